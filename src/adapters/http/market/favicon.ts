// The pages' icon, inline: a browser asks for /favicon.ico when a page names none, and that 404 was the only
// failed request a console visit made.
const ICON_SVG =
  "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'><rect width='16' height='16' rx='3' fill='%231f6feb'/><path d='M4 12 8 3l4 9M5.6 9h4.8' stroke='white' stroke-width='1.6' fill='none'/></svg>";

export const FAVICON_LINK = `<link rel="icon" href="data:image/svg+xml,${ICON_SVG}">`;
