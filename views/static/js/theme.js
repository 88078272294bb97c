// Runs in <head>, before first paint: apply the theme the user chose (if any) so a
// dark page never flashes white, and mark the document as scripted (CSS keys
// progressive enhancements such as the off-canvas nav on html.js).
(function () {
  var root = document.documentElement;
  root.classList.add("js");
  try {
    var t = window.localStorage.getItem("theme");
    if (t === "dark" || t === "light") root.setAttribute("data-theme", t);
  } catch (e) { /* storage blocked: follow the system theme */ }
})();
