// Progressive enhancement only: every action works without this file.
(function () {
  'use strict';
  document.querySelectorAll('.js-copy').forEach(function (button) {
    if (!navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener('click', function () {
      var target = document.getElementById(button.getAttribute('data-copy-target'));
      if (!target) return;
      var label = button.textContent;
      navigator.clipboard.writeText(target.textContent.trim()).then(function () {
        button.textContent = 'Copied';
        setTimeout(function () { button.textContent = label; }, 1500);
      });
    });
  });
  document.querySelectorAll('form.js-confirm').forEach(function (form) {
    form.addEventListener('submit', function (event) {
      if (!window.confirm(form.getAttribute('data-confirm') || 'Are you sure?')) event.preventDefault();
    });
  });
  // The Danger Zone's delete button waits until the name is typed exactly.
  document.querySelectorAll('input[name="confirm_name"], input[name="confirm_email"]').forEach(function (input) {
    var expected = input.closest('form').querySelector('label strong');
    var button = input.closest('form').querySelector('button[type="submit"]');
    if (!expected || !button) return;
    var sync = function () { button.disabled = input.value !== expected.textContent; };
    input.addEventListener('input', sync);
    sync();
  });
})();
