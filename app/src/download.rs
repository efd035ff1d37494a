//! Getting text out of the page: a file download or the clipboard, with no server round trip.

use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

/// What the browser said went wrong; the release build has no Debug formatting to fall back on.
fn reason(e: JsValue) -> String {
    js_sys::Error::from(e)
        .message()
        .as_string()
        .filter(|m| !m.is_empty())
        .unwrap_or_else(|| "the browser refused".to_owned())
}

/// Offers text as a file download without a server round trip.
pub fn download_text(name: &str, mime: &str, text: &str) -> Result<(), String> {
    let parts = js_sys::Array::of1(&text.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob =
        web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(reason)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(reason)?;
    let a: web_sys::HtmlAnchorElement = document()
        .create_element("a")
        .map_err(reason)?
        .unchecked_into();
    a.set_href(&url);
    a.set_download(name);
    a.click();
    // Revoking at once can cancel the download in some browsers; the URL is not needed later.
    set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(30),
    );
    Ok(())
}

/// Copies text to the clipboard. The browser may refuse (no permission, insecure context); the
/// callers also show the text, so the user can always copy it by hand.
pub fn copy_text(text: &str) {
    let _ = window().navigator().clipboard().write_text(text);
}
