// Copies last year's text into this year's field without reloading the page. Without
// JavaScript the same buttons submit the form and the server fills the field in.
document.addEventListener("click", (event) => {
  const button = event.target.closest("button.copy[data-copy-from]");
  if (!button) return;
  const source = document.getElementById(button.dataset.copyFrom);
  const target = document.getElementById(button.dataset.copyTo);
  if (!source || !target) return;
  event.preventDefault();
  target.value = source.textContent;
  target.focus();
});
