from tests.browser.conftest import demo_id, wait_ready, CHROMIUM, BROWSER_ARGS
def test_dbg(servers, browser):
    from playwright.sync_api import sync_playwright
    b = browser
    for name, br in [("default", b)]:
        pg = br.new_page()
        pg.goto(f"{servers.bobao}/d/{demo_id(servers)}")
        pg.wait_for_selector("#doc-body .s")
        pg.evaluate("document.getElementById('play').click()")
        pg.wait_for_timeout(1500)
        print(name, pg.evaluate("[document.getElementById('audio').paused, document.getElementById('unlock').hidden, document.getElementById('status').textContent]"))
        pg.close()
