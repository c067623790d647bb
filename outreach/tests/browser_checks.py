"""Checks a browser test runs on any page (`page.evaluate(CHECK)`): what a reader would see
cut. Shared by the phone-layout walk over the page list and the field forms' tests."""

# Every visible control whose text does not fit its box, and every word of a header, label or
# button broken across two lines ("Headcou / nt"). Returns a list of short descriptions, e.g.
# 'select benefit: "Logo on the poster (A2, …)" 412px in 301px'; empty when nothing is cut.
#
# - A <select> shows one option at a time on one line and cuts the rest: every option, once
#   chosen, must fit the select's content box (its width less the padding that holds the arrow).
#   Measured with a canvas in the select's own font, as the select never reports an overflow.
# - A button, a link styled as one, or a text field reports its overflow itself
#   (scrollWidth > clientWidth); an empty field's placeholder is measured like an option.
# - A word of Latin letters (English, or a name) in a th, label, button, legend or dt that the
#   browser broke across lines has one client rectangle per line: more than one is a cut word.
#   Chinese breaks between any two characters, so only Latin runs are looked at.
CUT_CONTROLS = """() => {
    const found = [];
    const measure = document.createElement("canvas").getContext("2d");
    const shown = (element) => element.checkVisibility({visibilityProperty: true}) && element.clientWidth > 0;
    const name = (element) => {
        const label = element.name || element.id || element.getAttribute("aria-label")
            || (element.innerText || element.value || "").trim().slice(0, 30);
        return `${element.tagName.toLowerCase()} ${label}`;
    };
    const textRoom = (element, style) =>
        element.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    const width = (text, style) => {
        measure.font = style.font;
        measure.letterSpacing = style.letterSpacing === "normal" ? "0px" : style.letterSpacing;
        return measure.measureText(text).width;
    };
    for (const select of document.querySelectorAll("select:not([multiple])")) {
        if (!shown(select)) continue;
        const style = getComputedStyle(select);
        const room = textRoom(select, style) - (style.appearance === "none" ? 0 : 20);
        for (const option of select.options) {
            const text = option.text.trim();
            if (width(text, style) > room + 1) {
                found.push(`${name(select)}: "${text}" ${Math.round(width(text, style))}px in ${Math.round(room)}px`);
                break;
            }
        }
    }
    const fields = "input:not([type=checkbox]):not([type=radio]):not([type=hidden]):not([type=file])"
        + ":not([type=range]):not([type=color]):not([type=date]):not([type=datetime-local]):not([type=time])";
    for (const input of document.querySelectorAll(fields)) {
        if (!shown(input)) continue;
        const style = getComputedStyle(input);
        if (input.scrollWidth > input.clientWidth + 1) {
            found.push(`${name(input)}: "${input.value}" overflows by ${input.scrollWidth - input.clientWidth}px`);
        } else if (!input.value && input.placeholder && width(input.placeholder, style) > textRoom(input, style) + 1) {
            found.push(`${name(input)}: placeholder "${input.placeholder}" ${Math.round(width(input.placeholder, style))}px in ${Math.round(textRoom(input, style))}px`);
        }
    }
    for (const button of document.querySelectorAll("button, .btn")) {
        if (!shown(button)) continue;
        if (button.scrollWidth > button.clientWidth + 1) {
            found.push(`${name(button)}: text overflows by ${button.scrollWidth - button.clientWidth}px`);
        }
    }
    const range = document.createRange();
    for (const element of document.querySelectorAll("th, label, button, .btn, legend, dt")) {
        if (!shown(element)) continue;
        const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            for (const word of node.data.matchAll(/[A-Za-z]{2,}/g)) {
                range.setStart(node, word.index);
                range.setEnd(node, word.index + word[0].length);
                const tops = new Set(Array.from(range.getClientRects(), (rect) => Math.round(rect.top)));
                if (tops.size > 1) found.push(`${name(element)}: "${word[0]}" broken across lines`);
            }
        }
    }
    return found;
}"""

# What a tap unfolds, unfolded: Bootstrap's collapsed parts (the phone's folded filters, the
# menu) and closed <details>, so that CUT_CONTROLS sees the controls inside them too.
UNFOLD = """() => {
    document.querySelectorAll(".collapse:not(.show)").forEach((element) => element.classList.add("show"));
    document.querySelectorAll("details:not([open])").forEach((element) => { element.open = true; });
}"""
