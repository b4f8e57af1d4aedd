// joinedup's only script, loaded as an ES module from our own origin (the
// Content-Security-Policy allows no inline script). Every page works without
// it; with it, GOV.UK Frontend's components (skip link, service navigation
// menu on phones, and the ones later pages use) get their behaviour.
//
// GOV.UK Frontend's page template sets this class with an inline script; we
// set it here instead. A browser that does not run modules never gets the
// class, so it keeps the no-JavaScript styles, which is what GOV.UK Frontend intends.
import { initAll } from './govuk-frontend.min.js'

document.body.classList.add('govuk-frontend-supported')
initAll()
