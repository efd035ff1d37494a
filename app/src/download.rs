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
    download_url(name, &url)?;
    // Revoking at once can cancel the download in some browsers; the URL is not needed later.
    set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(30),
    );
    Ok(())
}

fn download_url(name: &str, url: &str) -> Result<(), String> {
    let a: web_sys::HtmlAnchorElement = document()
        .create_element("a")
        .map_err(reason)?
        .unchecked_into();
    a.set_href(url);
    a.set_download(name);
    a.click();
    Ok(())
}

/// Offers an SVG document as a PNG at twice its size: the browser draws it on a canvas. A
/// `data:` image, so it works from `file://` and leaves the canvas readable.
pub async fn download_svg_as_png(
    name: &str,
    svg: &str,
    width: f64,
    height: f64,
) -> Result<(), String> {
    const SCALE: f64 = 2.0;
    let image = web_sys::HtmlImageElement::new().map_err(reason)?;
    let source = format!(
        "data:image/svg+xml;charset=utf-8,{}",
        js_sys::encode_uri_component(svg)
    );
    image.set_src(&source);
    wasm_bindgen_futures::JsFuture::from(image.decode())
        .await
        .map_err(|_| {
            "The browser could not draw the picture; download the SVG instead.".to_owned()
        })?;
    let canvas: web_sys::HtmlCanvasElement = document()
        .create_element("canvas")
        .map_err(reason)?
        .unchecked_into();
    canvas.set_width((width * SCALE).ceil() as u32);
    canvas.set_height((height * SCALE).ceil() as u32);
    let context: web_sys::CanvasRenderingContext2d = canvas
        .get_context("2d")
        .map_err(reason)?
        .ok_or("This browser has no canvas to draw the PNG on; download the SVG instead.")?
        .unchecked_into();
    context
        .draw_image_with_html_image_element_and_dw_and_dh(
            &image,
            0.0,
            0.0,
            width * SCALE,
            height * SCALE,
        )
        .map_err(reason)?;
    let png = canvas.to_data_url_with_type("image/png").map_err(reason)?;
    download_url(name, &png)
}

/// Copies text to the clipboard: through the Clipboard API where the page may use it (a secure
/// context), else through the older copy command (a plain-http page, e.g. a probe exposed on the
/// LAN, where `navigator.clipboard` does not exist). `Err` says what to do by hand; callers show
/// it and never claim "Copied" without `Ok`.
pub async fn copy_text(text: &str) -> Result<(), String> {
    let navigator = window().navigator();
    let has_api = js_sys::Reflect::get(&navigator, &"clipboard".into())
        .is_ok_and(|c| !c.is_undefined() && !c.is_null());
    if has_api && window().is_secure_context() {
        let written = navigator.clipboard().write_text(text);
        if wasm_bindgen_futures::JsFuture::from(written).await.is_ok() {
            return Ok(());
        }
    }
    copy_with_command(text).then_some(()).ok_or_else(|| {
        "This browser did not let the page copy: select the text and copy it (Ctrl+C or Cmd+C)."
            .to_owned()
    })
}

/// The copy command on a hidden text area; focus goes back where it was.
fn copy_with_command(text: &str) -> bool {
    let document: web_sys::HtmlDocument = document().unchecked_into();
    let focused = document.active_element();
    let Ok(area) = document.create_element("textarea") else {
        return false;
    };
    let area: web_sys::HtmlTextAreaElement = area.unchecked_into();
    area.set_value(text);
    let _ = area.set_attribute("readonly", "");
    web_sys::HtmlElement::style(&area).set_css_text("position:fixed;top:0;left:0;opacity:0");
    let Some(body) = document.body() else {
        return false;
    };
    if body.append_child(&area).is_err() {
        return false;
    }
    area.select();
    let copied = document.exec_command("copy").unwrap_or(false);
    area.remove();
    if let Some(element) = focused.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = element.focus();
    }
    copied
}
