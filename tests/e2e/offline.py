"""Helpers of the offline phone journeys (tests/e2e/test_*_offline.py): a persistent phone profile, the login,
polling the page, the service worker's copies and the drafts kept in IndexedDB."""
from playwright.sync_api import expect

from tests.conftest import TEST_PASSWORD
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS

PHONE = {"width": 375, "height": 740}


def open_phone(playwright, profile):
    return playwright.chromium.launch_persistent_context(str(profile), executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                                         viewport=PHONE)


def login_on_phone(page, live_server, email):
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_have_text("Dashboard")


def poll(page, script, what, tries=150):
    for _ in range(tries):
        if page.evaluate(script):
            return
        page.wait_for_timeout(100)
    raise AssertionError(what)


def wait_until_kept(page):
    poll(page, "() => Promise.all([caches.open('cpms-pages-v1').then(c => c.match(location.pathname)),"
                " caches.open('cpms-shell-v1').then(c => c.keys())]).then(([page, shell]) => !!page && shell.length >= 3)",
          "the meeting form was not kept on the device")


def drafts_on_device(page):
    """The drafts kept in the phone's IndexedDB (bounded: fails rather than hangs)."""
    return page.evaluate("""() => new Promise((done, fail) => {
        setTimeout(() => fail(new Error('IndexedDB did not answer within 10 s')), 10000);
        const r = indexedDB.open('cpms-forms', 1);
        r.onerror = r.onblocked = () => fail(new Error('IndexedDB could not be opened'));
        r.onupgradeneeded = () => r.result.createObjectStore('drafts', { keyPath: 'key' }).createIndex('user', 'user');
        r.onsuccess = () => { const q = r.result.transaction('drafts').objectStore('drafts').getAll();
                              q.onsuccess = () => { done(q.result.map(d => ({ submitted: d.submitted,
                                  values: d.values }))); r.result.close(); }; }; })""")
