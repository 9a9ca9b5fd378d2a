// Assure's own progressive enhancements, run after GOV.UK and MOJ Frontend have started.
// Without JavaScript every page works as plain HTML.

// A person is picked from a select. A long list (a council's staff) is hard to scan, so,
// as the GOV.UK Design System advises for long lists, the select becomes an accessible
// autocomplete: type part of a name and choose. The select stays in the form and is what is
// posted, so the server sees exactly what it would without JavaScript.
const LONG_LIST = 15;

export function enhancePersonPickers(root = document) {
  const autocomplete = window.accessibleAutocomplete;
  if (!autocomplete) return;
  for (const select of root.querySelectorAll('select[data-module="app-person-picker"]')) {
    if (select.options.length <= LONG_LIST || select.dataset.enhanced) continue;
    select.dataset.enhanced = "true";
    autocomplete.enhanceSelectElement({
      selectElement: select,
      defaultValue: "",
      showAllValues: true,
      dropdownArrow: () => "",
      tNoResults: () => "No person with that name",
      tStatusQueryTooShort: (n) => `Type ${n} or more letters of a name`,
    });
  }
}

enhancePersonPickers();
