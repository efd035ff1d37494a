//! The topology as one SVG document. The page shows it and the download is the same text (with
//! its stylesheet embedded and the light theme forced), so the picture in a change request is
//! the one on screen.

use super::layout::{EdgeStatus, Layout, NODE_H, NODE_W};
use rules::markup::xml as escape;
use std::fmt::Write;

/// The stylesheet both copies use; the page loads it with the app's CSS.
const STYLE: &str = include_str!("../../style/topology.css");

/// How the SVG is used: in the page (styled by the page's CSS, labelled by its caption), or
/// standalone (a file or an image: its own stylesheet, title and size, always light).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Use {
    Page,
    Standalone,
}

pub fn svg(l: &Layout, usage: Use) -> String {
    let mut s = String::new();
    let description = format!(
        "{} components in {} zones and {} connections; arrows point from the side that opens the connection.{}",
        l.nodes.len(),
        l.zones.len(),
        l.edges.len(),
        match &l.boundary {
            Some(_) => {
                let n = l.edges.iter().filter(|e| e.crosses).count();
                format!(" {n} cross the firewall at the edge of your networks (bold labels).")
            }
            None => " None leaves your networks.".to_owned(),
        }
    );
    let (w, h) = (l.width, l.height);
    match usage {
        Use::Page => {
            // Wide enough to read on a phone: the scroll box around it scrolls sideways.
            let _ = write!(
                s,
                r#"<svg xmlns="http://www.w3.org/2000/svg" id="topology" class="tp w-full min-w-[46rem]" role="img" aria-labelledby="topology-title topology-desc" viewBox="0 0 {w} {h}">"#
            );
        }
        Use::Standalone => {
            let _ = write!(
                s,
                r##"<svg xmlns="http://www.w3.org/2000/svg" class="tp" data-theme="light" role="img" aria-labelledby="topology-title topology-desc" viewBox="0 0 {w} {h}" width="{w}" height="{h}"><title id="topology-title">Palette network topology</title><style>{STYLE}</style><rect width="100%" height="100%" fill="#ffffff"/>"##
            );
        }
    }
    let _ = write!(
        s,
        r#"<desc id="topology-desc">{}</desc><defs>"#,
        escape(&description)
    );
    for status in EdgeStatus::ALL {
        let _ = write!(
            s,
            r#"<marker id="arrow-{}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="{}"/></marker>"#,
            status.slug(),
            status.colour()
        );
    }
    s.push_str("</defs>");
    for z in &l.zones {
        let r = z.rect;
        let (tx, ty) = z.title_at();
        let _ = write!(
            s,
            r#"<g class="topology-zone" data-zone="{slug}"><rect class="tp-zone tp-zone-{slug}" x="{}" y="{}" width="{}" height="{}" rx="10"/><text class="tp-title" x="{tx}" y="{ty}">{}</text></g>"#,
            r.x,
            r.y,
            r.w,
            r.h,
            escape(z.title),
            slug = z.zone.slug(),
        );
    }
    if let Some(b) = &l.boundary {
        let (cx, cy) = b.caption_at;
        let _ = write!(
            s,
            r#"<g class="topology-boundary"><line class="tp-firewall" x1="{x}" y1="{}" x2="{x}" y2="{}"/><text class="tp-caption" x="{cx}" y="{cy}" text-anchor="middle">{}</text></g>"#,
            b.top,
            b.bottom,
            escape(b.caption),
            x = b.x,
        );
    }
    // Arrows first, then every label over them, then the boxes.
    for e in &l.edges {
        let _ = write!(
            s,
            r#"<g class="topology-edge" data-from="{}" data-to="{}" data-status="{}" data-crosses="{}" data-flows="{}"><path d="{}" fill="none" stroke="{}" stroke-width="2"{} marker-end="url(#arrow-{})"/></g>"#,
            e.from.slug(),
            e.to.slug(),
            e.status.slug(),
            e.crosses,
            escape(&e.flows.join(" ")),
            e.shape.d(),
            e.status.colour(),
            if e.optional {
                r#" stroke-dasharray="6 4""#
            } else {
                ""
            },
            e.status.slug(),
        );
    }
    for e in &l.edges {
        let _ = write!(
            s,
            r#"<text class="topology-label tp-label{}" data-from="{}" data-to="{}" x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            if e.crosses { " tp-crossing" } else { "" },
            e.from.slug(),
            e.to.slug(),
            e.label_x,
            e.label_y,
            escape(&e.label),
        );
    }
    for n in &l.nodes {
        let _ = write!(
            s,
            r#"<g class="topology-node" data-role="{}" data-zone="{}"><rect class="tp-box" x="{}" y="{}" width="{NODE_W}" height="{NODE_H}" rx="6"/><text class="tp-text" x="{}" y="{}" text-anchor="middle">{}</text></g>"#,
            n.role.slug(),
            n.zone.slug(),
            n.x,
            n.y,
            n.x + NODE_W / 2.0,
            n.y + NODE_H / 2.0 + 4.0,
            escape(n.label),
        );
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::super::layout::layout;
    use super::*;
    use rules::{evaluate, Answers};
    use std::collections::{BTreeMap, BTreeSet};

    #[test]
    fn the_download_carries_its_style_size_and_title_and_the_page_copy_does_not() {
        let a = Answers {
            infrastructure: vec![rules::Infrastructure::Aws],
            ..Answers::default()
        };
        let l = layout(
            &evaluate(&a).unwrap(),
            &a,
            &BTreeSet::new(),
            &BTreeMap::new(),
        );
        let page = svg(&l, Use::Page);
        let file = svg(&l, Use::Standalone);
        assert!(file.contains("<style>") && file.contains(".tp-box"));
        assert!(file.contains(r#"data-theme="light""#));
        assert!(file.contains(&format!(r#"width="{}""#, l.width)));
        assert!(
            !page.contains("<style>"),
            "the probe's CSP refuses inline styles"
        );
        assert!(!page.contains("<title"), "the page's caption names it");
        // Both list every box and arrow.
        for copy in [&page, &file] {
            assert_eq!(
                copy.matches(r#"class="topology-node""#).count(),
                l.nodes.len()
            );
            assert_eq!(
                copy.matches(r#"class="topology-edge""#).count(),
                l.edges.len()
            );
        }
    }
}
