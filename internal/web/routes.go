package web

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"joinedup/internal/access"
	"joinedup/internal/oruk"
)

// Permissions a route can declare. guard (auth.go) enforces them before the
// handler runs, and TestEveryRouteDeclaresAPermission refuses a route that forgot.
const (
	// PermPublic is anyone, signed in or not. Public pages show no personal
	// data: the staff front door shows partnership-wide counts only.
	PermPublic = "public"
	// PermHealth is the platform's probes: they learn up/ready and nothing else.
	PermHealth = "health"
)

// Permissions are the names a route may declare besides PermSignedIn and the
// access permissions (case.view, family.view…).
var Permissions = []string{PermPublic, PermHealth}

// Route is one line of the route table: what a later issue's access control,
// the tests and a reader need to know about an address.
type Route struct {
	Pattern    string // a Go 1.22 ServeMux pattern with its method, e.g. "GET /family"
	Permission string // what the requester must be allowed; one of Permissions
	Title      string // the page's title and h1 for HTML pages; "" for anything else
	handler    func(*server, http.ResponseWriter, *http.Request)
}

// table is the whole web front in one place: read it as the sitemap.
// Handlers live in one file per group (public.go, family.go, staff.go, health.go, assets.go).
var table = []Route{
	// The public front door: the Local Offer (SEND Regulations 2014 Part 4).
	{"GET /{$}", PermPublic, "Support for children and young people with SEND", (*server).home},
	{"GET /services", PermPublic, "Search for services", (*server).services},
	{"GET /services/{id}", PermPublic, "Service", (*server).service}, // titled with the service's name
	{"GET /while-you-wait", PermPublic, "Support while you wait", (*server).whileYouWait},
	{"GET /short-breaks", PermPublic, "Short breaks for disabled children and their families", (*server).shortBreaks},
	{"GET /shortlist", PermPublic, "Your shortlist", (*server).shortlist},
	{"GET /shortlist/print", PermPublic, "Shortlist to print", (*server).shortlistPrint},
	{"POST /shortlist/add", PermPublic, "", (*server).shortlistAdd},
	{"POST /shortlist/remove", PermPublic, "", (*server).shortlistRemove},
	// Families' comments on the Local Offer and the published answers (SEND Regulations 2014 reg 56, Schedule 2).
	{"GET /tell-us", PermPublic, "Tell us about the Local Offer", (*server).tellUsForm},
	{"POST /tell-us", PermPublic, "Tell us about the Local Offer", (*server).tellUs},
	{"GET /services/{id}/tell-us", PermPublic, "Tell us about this service", (*server).tellUsForm},
	{"POST /services/{id}/tell-us", PermPublic, "Tell us about this service", (*server).tellUs},
	{"GET /tell-us/thank-you", PermPublic, "Thank you for telling us", (*server).tellUsThanks},
	{"GET /you-said-we-did", PermPublic, "You said, we did", (*server).youSaidWeDid},

	// Front doors for families and for staff.
	{"GET /family", PermPublic, "For parents, carers and young people", (*server).family},
	{"GET /staff", PermPublic, "For staff in the partnership", (*server).staff},

	// Signing in and out, and where you are signed in.
	{"GET /sign-in", PermPublic, "Sign in", (*server).signIn},
	{"POST /sign-in/demo", PermPublic, "", (*server).signInDemo},
	{"POST /sign-in/family", PermPublic, "", (*server).signInFamily},
	{"POST /sign-in/staff/{provider}", PermPublic, "", (*server).signInStaff},
	{"GET /sign-in/staff/callback", PermPublic, "", (*server).signInStaffCallback},
	{"POST /sign-out", PermSignedIn, "", (*server).signOut},
	{"GET /account/sessions", PermSignedIn, "Where you are signed in", (*server).sessions},
	{"POST /account/sessions/end-all", PermSignedIn, "", (*server).signOutEverywhere},
	{"GET /account/password", PermSignedIn, "Change your password", (*server).passwordPage},
	{"POST /account/password", PermSignedIn, "", (*server).changePassword},

	// Families' accounts: made only from a SEND team's invitation; the pages behind emailed links.
	{"GET /account/invitation", PermPublic, "Make your joinedup account", (*server).invitationPage},
	{"POST /account/invitation", PermPublic, "", (*server).acceptInvitation},
	{"GET /account/verify", PermPublic, "Confirm your email address", (*server).verifyEmailPage},
	{"POST /account/verify", PermPublic, "", (*server).verifyEmail},
	{"GET /account/reset", PermPublic, "Reset your password", (*server).resetPage},
	{"POST /account/reset", PermPublic, "", (*server).reset},
	{"GET /account/link-sent", PermPublic, "Check your email", (*server).linkSent},

	// Staff: children's records, each read checked against the care team and audited.
	{"GET /staff/caseload", string(access.CaseView), "Your caseload", (*server).caseload},
	{"GET /staff/children/{id}", string(access.CaseView), "Child's record", (*server).staffChild},
	{"GET /staff/children/{id}/access-log", string(access.AuditView), "Who has looked at this record", (*server).accessLog},
	{"GET /staff/children/{id}/reassign", string(access.CaseReassign), "Change the named contact", (*server).reassignForm},
	{"POST /staff/children/{id}/reassign", string(access.CaseReassign), "", (*server).reassign},
	{"POST /staff/children/{id}/invite", string(access.CaseEdit), "", (*server).inviteCarer},
	{"GET /staff/break-glass", string(access.BreakGlass), "Emergency access to a record", (*server).breakGlassForm},
	{"POST /staff/break-glass", string(access.BreakGlass), "", (*server).breakGlass},

	// Staff: the statutory EHC process (issue 4): cases by next statutory date (view=team, due=week),
	// each case's deadlines with their regulations, and recording what happened (the POST's
	// title is for the form shown again with its errors).
	{"GET /staff/ehc", string(access.CaseView), "EHC caseload", (*server).ehcCaseload},
	{"GET /staff/children/{id}/ehc", string(access.CaseView), "EHC needs assessment and plan", (*server).ehcCase},
	{"GET /staff/children/{id}/ehc/record", string(access.CaseEdit), "Record what happened", (*server).ehcRecordForm},
	{"POST /staff/children/{id}/ehc/record", string(access.CaseEdit), "Record what happened", (*server).ehcRecord},

	// The EHC workflow around the clock (issue 4, ehc_flow.go): requests made online by families and
	// professionals (logged into the case by the council team), decision letters with appeal rights and
	// how they were served, and the mediation and tribunal steps after a letter. The POSTs' titles are
	// for the forms shown again with their errors.
	{"GET /staff/children/{id}/ehc/request", string(access.CaseView), "Ask for an EHC needs assessment", (*server).ehcRequestForm},
	{"POST /staff/children/{id}/ehc/request", string(access.CaseView), "Ask for an EHC needs assessment", (*server).ehcRequest},
	{"GET /staff/ehc/requests", string(access.CaseEdit), "Requests waiting", (*server).ehcRequests},
	{"POST /staff/children/{id}/ehc/requests/accept", string(access.CaseEdit), "", (*server).ehcAcceptRequest},
	{"GET /staff/children/{id}/ehc/letter", string(access.CaseEdit), "Send a decision letter", (*server).ehcLetterForm},
	{"POST /staff/children/{id}/ehc/letter", string(access.CaseEdit), "Send a decision letter", (*server).ehcLetter},
	{"GET /staff/children/{id}/ehc/letters/{lid}", string(access.CaseView), "Decision letter", (*server).ehcLetterPage},
	{"POST /staff/children/{id}/ehc/letters/{lid}/steps", string(access.CaseEdit), "Decision letter", (*server).ehcStep},
	{"GET /family/children/{id}/ehc/request", string(access.FamilyContribute), "Ask for an EHC needs assessment", (*server).ehcRequestForm},
	{"POST /family/children/{id}/ehc/request", string(access.FamilyContribute), "Ask for an EHC needs assessment", (*server).ehcRequest},
	{"GET /family/children/{id}/ehc/letters/{lid}", string(access.FamilyView), "Decision letter", (*server).ehcLetterPage},
	// Staff: health advice for EHC needs assessments (issue 5): a coordinator asks a provider team;
	// the team's queue; a request with its versions (the lead assigns, the coordinator withdraws);
	// the team's advice; the DCO's quality assurance. The POSTs' titles are for forms shown again with errors.
	{"GET /staff/children/{id}/advice/request", string(access.CaseEdit), "Request health advice", (*server).adviceAskForm},
	{"POST /staff/children/{id}/advice/request", string(access.CaseEdit), "Request health advice", (*server).adviceAsk},
	{"GET /staff/advice", string(access.AdviceSubmit), "Your team's requests for advice", (*server).adviceQueue},
	{"GET /staff/advice/{rid}", string(access.CaseView), "Request for health advice", (*server).adviceRequest},
	{"POST /staff/advice/{rid}/assign", string(access.AdviceAssign), "Request for health advice", (*server).adviceAssign},
	{"POST /staff/advice/{rid}/withdraw", string(access.CaseEdit), "Request for health advice", (*server).adviceWithdraw},
	{"GET /staff/advice/{rid}/answer", string(access.AdviceSubmit), "Give your advice", (*server).adviceAnswerForm},
	{"POST /staff/advice/{rid}/answer", string(access.AdviceSubmit), "Give your advice", (*server).adviceAnswer},
	{"GET /staff/advice/{rid}/attachments/{aid}", string(access.CaseView), "", (*server).adviceAttachment},
	{"GET /staff/advice-dashboard", string(access.AdviceQA), "Health advice within 6 weeks", (*server).adviceDashboard},
	{"GET /staff/advice-dashboard.csv", string(access.AdviceQA), "", (*server).adviceDashboardCSV},
	{"GET /staff/advice-quality.csv", string(access.AdviceQA), "", (*server).adviceQualityCSV},
	{"GET /staff/advice-sample", string(access.AdviceQA), "Monthly audit sample of health advice", (*server).adviceSample},
	{"GET /staff/advice-assurance", string(access.AdviceQA), "Health advice to quality-assure", (*server).adviceAssurance},
	{"GET /staff/advice/{rid}/assure", string(access.AdviceQA), "Quality-assure health advice", (*server).adviceAssureForm},
	{"POST /staff/advice/{rid}/assure", string(access.AdviceQA), "Quality-assure health advice", (*server).adviceAssure},
	// Health advice as FHIR R4 (advice_fhir.go): the request out as a Bundle, the advice back in as one.
	{"GET /api/v1/advice/{rid}/fhir", string(access.CaseView), "", (*server).apiAdviceFHIR},
	{"POST /api/v1/advice/{rid}/fhir", string(access.AdviceSubmit), "", (*server).apiAdviceFHIRImport},
	{"POST /staff/advice/{rid}/fhir", string(access.AdviceSubmit), "Give your advice", (*server).adviceFHIRUpload},

	// Staff: subject access requests (UK GDPR Art. 15), answered with a download; the POST's
	// title is for the form shown again with its errors.
	{"GET /staff/sar", string(access.SARExport), "Subject access request export", (*server).sarForm},
	{"POST /staff/sar", string(access.SARExport), "Subject access request export", (*server).sarExport},

	// Staff: transferring a case to another team (accept, reject, revocable until
	// accepted), safeguarding shares, and the alerts managers review.
	{"GET /staff/children/{id}/transfer", string(access.CaseReassign), "Transfer to another team", (*server).transferForm},
	{"POST /staff/children/{id}/transfer", string(access.CaseReassign), "", (*server).proposeTransfer},
	{"GET /staff/transfers", string(access.CaseReassign), "Transfers to and from your teams", (*server).transfers},
	{"GET /staff/transfers/{tid}", string(access.CaseReassign), "Transfer of a case", (*server).transferPage},
	{"POST /staff/transfers/{tid}", string(access.CaseReassign), "", (*server).answerTransfer},
	{"POST /staff/transfers/{tid}/revoke", string(access.CaseReassign), "", (*server).revokeTransfer},
	{"GET /staff/children/{id}/safeguarding-share", string(access.Safeguard), "Share the record to keep a child safe", (*server).shareForm},
	{"POST /staff/children/{id}/safeguarding-share", string(access.Safeguard), "", (*server).share},
	{"GET /staff/alerts", string(access.AuditView), "Emergency access and safeguarding alerts", (*server).alerts},
	{"POST /staff/alerts/{aid}/reviewed", string(access.AuditView), "", (*server).reviewAlert},

	// Staff: children's health waiting lists (issue 7, waits*.go): a team's list longest waiters first,
	// a child's referrals and every event, recording what happened and new referrals (the POSTs' titles
	// are for the forms shown again with their errors).
	{"GET /staff/waits", string(access.WaitlistManage), "Waiting list", (*server).waitsList},
	{"GET /staff/waits/transfer", string(access.WaitlistManage), "Transfer long waiters to an independent provider", (*server).waitsTransferForm},
	{"POST /staff/waits/transfer", string(access.WaitlistManage), "Transfer long waiters to an independent provider", (*server).waitsTransfer},
	{"GET /staff/waits/checks", string(access.WaitlistManage), "Check the waiting list", (*server).waitsChecks},
	{"GET /staff/waits/projection", string(access.WaitlistManage), "When will the long waits end?", (*server).waitsProjection},
	{"GET /staff/waits/projection.csv", string(access.WaitlistManage), "", (*server).waitsProjectionCSV},
	{"GET /staff/children/{id}/waits", string(access.CaseView), "Waiting lists", (*server).staffChildWaits},
	{"GET /staff/children/{id}/waits/event", string(access.WaitlistManage), "Record what happened on a waiting list", (*server).waitsEventForm},
	{"POST /staff/children/{id}/waits/event", string(access.WaitlistManage), "Record what happened on a waiting list", (*server).waitsEvent},
	{"GET /staff/children/{id}/waits/refer", string(access.WaitlistManage), "Record a new referral", (*server).waitsReferForm},
	{"POST /staff/children/{id}/waits/refer", string(access.WaitlistManage), "Record a new referral", (*server).waitsRefer},
	// Local Offer providers keep their own entries fresh, and Local Offer editors approve or return
	// their edits (issue 6, point 3); the POSTs' titles are for the forms shown again with their errors.
	{"GET /staff/offer/services", string(access.OfferProvide), "Your Local Offer entries", (*server).providerServices},
	{"GET /staff/offer/services/{sid}", string(access.OfferProvide), "Change a Local Offer entry", (*server).providerEditForm},
	{"POST /staff/offer/services/{sid}", string(access.OfferProvide), "Change a Local Offer entry", (*server).providerEdit},
	{"POST /staff/offer/services/{sid}/confirm", string(access.OfferProvide), "", (*server).providerConfirm},
	{"GET /staff/offer/services/{sid}/history", string(access.OfferProvide), "Changes to a Local Offer entry", (*server).providerHistory},
	{"GET /staff/offer/edits", string(access.OfferModerate), "Local Offer edits to approve", (*server).editQueue},
	{"POST /staff/offer/edits/approve", string(access.OfferModerate), "Local Offer edits to approve", (*server).approveEdits},
	{"GET /staff/offer/edits/{eid}", string(access.OfferModerate), "Check an edit to the Local Offer", (*server).reviewEdit},
	{"POST /staff/offer/edits/{eid}/return", string(access.OfferModerate), "Check an edit to the Local Offer", (*server).returnEdit},
	{"GET /staff/offer/history/{sid}", string(access.OfferModerate), "Changes to a Local Offer entry", (*server).editorHistory},
	{"GET /staff/offer/stale", string(access.OfferModerate), "Local Offer entries not checked for 3 months", (*server).staleEntries},
	{"GET /staff/offer/comments", string(access.OfferModerate), "Families' comments on the Local Offer", (*server).commentQueue},
	{"GET /staff/offer/comments/{cid}", string(access.OfferModerate), "Answer a comment on the Local Offer", (*server).commentReview},
	{"POST /staff/offer/comments/{cid}/respond", string(access.OfferModerate), "Answer a comment on the Local Offer", (*server).commentRespond},
	{"POST /staff/offer/comments/{cid}/close", string(access.OfferModerate), "Answer a comment on the Local Offer", (*server).commentClose},
	// Local Offer editors keep the taxonomies (issue 6, point 8: offer_taxonomy.go); the POSTs'
	// titles are for the forms shown again with their errors.
	{"GET /staff/offer/taxonomies", string(access.OfferEdit), "Local Offer taxonomies", (*server).taxonomyList},
	{"GET /staff/offer/taxonomies/{xid}/add", string(access.OfferEdit), "Add a taxonomy term", (*server).termAddForm},
	{"POST /staff/offer/taxonomies/{xid}/add", string(access.OfferEdit), "Add a taxonomy term", (*server).termAdd},
	{"GET /staff/offer/terms/{term}", string(access.OfferEdit), "Taxonomy term", (*server).taxonomyTerm},
	{"GET /staff/offer/terms/{term}/edit", string(access.OfferEdit), "Change a taxonomy term", (*server).termEditForm},
	{"POST /staff/offer/terms/{term}/edit", string(access.OfferEdit), "Change a taxonomy term", (*server).termEdit},
	{"POST /staff/offer/terms/{term}/retire", string(access.OfferEdit), "Taxonomy term", (*server).termRetirePost},
	{"POST /staff/offer/terms/{term}/restore", string(access.OfferEdit), "Taxonomy term", (*server).termRestorePost},

	// Early-years notifications (issue 5, point 6; CFA 2014 s23, earlyyears.go): a health professional
	// tells the council; the council's queue, acknowledgement and record of what it did; the totals;
	// the family's page. The POSTs' titles are for the forms shown again with their errors.
	{"GET /staff/early-years/notify", string(access.EarlyYearsNotify), "Tell the council about a young child's needs", (*server).eyNotifyForm},
	{"POST /staff/early-years/notify", string(access.EarlyYearsNotify), "Tell the council about a young child's needs", (*server).eyNotify},
	{"GET /staff/early-years", string(access.EarlyYearsManage), "Early-years notifications", (*server).eyQueue},
	{"GET /staff/early-years/summary", string(access.EarlyYearsReport), "Early-years notifications: totals", (*server).eySummary},
	{"GET /staff/early-years/summary.csv", string(access.EarlyYearsReport), "", (*server).eySummaryCSV},
	{"GET /staff/early-years/{nid}", string(access.CaseView), "Early-years notification", (*server).eyNotification},
	{"POST /staff/early-years/{nid}/acknowledge", string(access.EarlyYearsManage), "Early-years notification", (*server).eyAcknowledge},
	{"POST /staff/early-years/{nid}/record", string(access.EarlyYearsManage), "Early-years notification", (*server).eyRecord},
	{"GET /family/children/{id}/early-years", string(access.FamilyView), "What health told the council", (*server).eyFamily},
	// Local Offer editors import a feed (ORUK or CSV, a file or an address) and export the directory
	// (issue 6, point 7; offer_import.go): a dry run first, then "Apply this import" with what was checked.
	// offer.moderate: an import makes changes live with nobody between the file and families, as approving does.
	{"GET /staff/offer/import", string(access.OfferModerate), "Import or export the Local Offer", (*server).offerImportPage},
	{"POST /staff/offer/import", string(access.OfferModerate), "Check the import", (*server).offerImportCheck},
	{"POST /staff/offer/import/apply", string(access.OfferModerate), "Check the import", (*server).offerImportApply},
	{"GET /staff/offer/imports/{iid}", string(access.OfferModerate), "Local Offer import", (*server).offerImported},
	{"GET /staff/offer/export.csv", string(access.OfferModerate), "", (*server).offerExportCSV},
	{"GET /staff/offer/export.ndjson", string(access.OfferModerate), "", (*server).offerExportNDJSON},

	// Families: their own children's records, and who has looked at them.
	{"GET /family/children", string(access.FamilyView), "Your children", (*server).familyChildren},
	{"GET /family/children/{id}", string(access.FamilyView), "Your child's record", (*server).familyChild},
	{"GET /family/children/{id}/ehc", string(access.FamilyView), "Your child's EHC needs assessment and plan", (*server).familyEHC},
	{"GET /family/children/{id}/access-log", string(access.FamilyView), "Who has looked at your child's record", (*server).accessLog},
	{"GET /family/children/{id}/waits", string(access.FamilyView), "Your child's waiting lists", (*server).familyWaits},
	{"POST /family/children/{id}/waits/changed", string(access.FamilyContribute), "Your child's waiting lists", (*server).familyWaitsChanged},

	// EHC plan documents (issue 4, point 3; plan.go over package plan): the coordinator writes a
	// version section by section, issues the draft and then the final plan with its decision letter, or
	// records the decision not to issue one with its letter (plan.issue); the family
	// reads it, comments on the draft and asks for a setting; the council records consulting it.
	{"GET /staff/children/{id}/ehc/plan", string(access.CaseView), "EHC plan", (*server).planStaff},
	{"POST /staff/children/{id}/ehc/plan/start", string(access.CaseEdit), "", (*server).planStart},
	{"GET /staff/children/{id}/ehc/plan/sections/{section}", string(access.CaseEdit), "Change a section of the plan", (*server).planSectionForm},
	{"POST /staff/children/{id}/ehc/plan/sections/{section}", string(access.CaseEdit), "Change a section of the plan", (*server).planSection},
	{"POST /staff/children/{id}/ehc/plan/issue", string(access.PlanIssue), "EHC plan", (*server).planIssue},
	{"POST /staff/children/{id}/ehc/plan/no-plan", string(access.PlanIssue), "EHC plan", (*server).planNoPlan},
	{"POST /staff/children/{id}/ehc/plan/settings/{sid}", string(access.CaseEdit), "EHC plan", (*server).planConsult},
	// Amending a final plan (plan_amend.go, reg 22): propose from the final plan, send the notice, issue after R15's 15 days
	// with its letter; withdraw before the notice, or decide not to amend after it (reg 22(4)) with its letter.
	{"POST /staff/children/{id}/ehc/plan/amend", string(access.CaseEdit), "EHC plan", (*server).planAmendStart},
	{"POST /staff/children/{id}/ehc/plan/amend/notice", string(access.PlanIssue), "EHC plan", (*server).planAmendNotice},
	{"POST /staff/children/{id}/ehc/plan/amend/issue", string(access.PlanIssue), "EHC plan", (*server).planAmendIssue},
	{"POST /staff/children/{id}/ehc/plan/amend/withdraw", string(access.CaseEdit), "EHC plan", (*server).planAmendWithdraw},
	{"POST /staff/children/{id}/ehc/plan/amend/no-amendment", string(access.PlanIssue), "EHC plan", (*server).planAmendNoAmend},
	{"GET /family/children/{id}/ehc/plan", string(access.FamilyView), "EHC plan", (*server).planFamily},
	{"POST /family/children/{id}/ehc/plan/comments", string(access.FamilyContribute), "EHC plan", (*server).planComment},
	{"POST /family/children/{id}/ehc/plan/settings", string(access.FamilyContribute), "EHC plan", (*server).planSetting},
	{"GET /staff/children/{id}/ehc/plan.pdf", string(access.CaseView), "", (*server).planPDF},
	{"GET /family/children/{id}/ehc/plan.pdf", string(access.FamilyView), "", (*server).planPDF},

	// The JSON API (issue 4, point 8): the EHC pages' work for programs, with the same
	// session, permissions and audit; its OpenAPI document is built from api_spec.go.
	{"GET /api/v1/openapi.json", PermPublic, "", (*server).apiServeOpenAPI},
	{"GET /api/v1/ehc/cases", string(access.CaseView), "", (*server).apiEHCCases},
	{"GET /api/v1/children/{id}/ehc", string(access.CaseView), "", (*server).apiEHCCase},
	{"GET /api/v1/children/{id}/ehc/events", string(access.CaseView), "", (*server).apiEHCEvents},
	{"POST /api/v1/children/{id}/ehc/events", string(access.CaseEdit), "", (*server).apiAddEHCEvent},
	{"GET /api/v1/family/children/{id}/ehc", string(access.FamilyView), "", (*server).apiFamilyEHC},
	// Online requests, decision letters, mediation and appeal (api_flow.go over ehc_flow.go's casework).
	{"POST /api/v1/children/{id}/ehc/requests", string(access.CaseView), "", (*server).apiEHCRequest},
	{"POST /api/v1/family/children/{id}/ehc/requests", string(access.FamilyContribute), "", (*server).apiEHCRequest},
	{"GET /api/v1/ehc/requests", string(access.CaseEdit), "", (*server).apiEHCRequests},
	{"POST /api/v1/children/{id}/ehc/requests/accept", string(access.CaseEdit), "", (*server).apiEHCAcceptRequest},
	{"POST /api/v1/children/{id}/ehc/letters", string(access.CaseEdit), "", (*server).apiEHCLetter},
	{"GET /api/v1/children/{id}/ehc/letters/{lid}", string(access.CaseView), "", (*server).apiEHCLetterGet},
	{"POST /api/v1/children/{id}/ehc/letters/{lid}/steps", string(access.CaseEdit), "", (*server).apiEHCStep},
	{"GET /api/v1/family/children/{id}/ehc/letters/{lid}", string(access.FamilyView), "", (*server).apiFamilyEHCLetter},
	// EHC plan documents (api_plan.go over package plan, as plan.go's pages).
	{"GET /api/v1/children/{id}/ehc/plan", string(access.CaseView), "", (*server).apiPlanStaff},
	{"POST /api/v1/children/{id}/ehc/plan/start", string(access.CaseEdit), "", (*server).apiPlanStart},
	{"POST /api/v1/children/{id}/ehc/plan/sections/{section}", string(access.CaseEdit), "", (*server).apiPlanSection},
	{"POST /api/v1/children/{id}/ehc/plan/placement", string(access.CaseEdit), "", (*server).apiPlanPlacement},
	{"POST /api/v1/children/{id}/ehc/plan/issue", string(access.PlanIssue), "", (*server).apiPlanIssue},
	{"POST /api/v1/children/{id}/ehc/plan/no-plan", string(access.PlanIssue), "", (*server).apiPlanNoPlan},
	{"POST /api/v1/children/{id}/ehc/plan/settings/{sid}", string(access.CaseEdit), "", (*server).apiPlanConsult},
	{"GET /api/v1/family/children/{id}/ehc/plan", string(access.FamilyView), "", (*server).apiPlanFamily},
	{"POST /api/v1/family/children/{id}/ehc/plan/comments", string(access.FamilyContribute), "", (*server).apiPlanComment},
	{"POST /api/v1/family/children/{id}/ehc/plan/settings", string(access.FamilyContribute), "", (*server).apiPlanSetting},
	// Amending a final plan (api_plan_amend.go over package plan, as plan_amend.go's pages).
	{"GET /api/v1/children/{id}/ehc/plan/amendment", string(access.CaseView), "", (*server).apiPlanAmendment},
	{"POST /api/v1/children/{id}/ehc/plan/amendment", string(access.CaseEdit), "", (*server).apiPlanAmend},
	{"POST /api/v1/children/{id}/ehc/plan/amendment/notice", string(access.PlanIssue), "", (*server).apiPlanAmendNotice},
	{"POST /api/v1/children/{id}/ehc/plan/amendment/issue", string(access.PlanIssue), "", (*server).apiPlanAmendIssue},
	{"POST /api/v1/children/{id}/ehc/plan/amendment/withdraw", string(access.CaseEdit), "", (*server).apiPlanAmendWithdraw},
	{"POST /api/v1/children/{id}/ehc/plan/amendment/no-amendment", string(access.PlanIssue), "", (*server).apiPlanNoAmend},
	{"GET /api/v1/family/children/{id}/ehc/plan/amendment", string(access.FamilyView), "", (*server).apiFamilyPlanAmendment},

	// About this service.
	{"GET /accessibility", PermPublic, "Accessibility statement", (*server).accessibility},
	{"GET /privacy", PermPublic, "Privacy notice", (*server).privacy},

	// Open Referral UK 3.0 (issue 6): the Local Offer as open data, JSON for any
	// site or app, no key. Any other address under /oruk is a JSON 404, and
	// browsers' CORS preflights are answered.
	{"GET /oruk/{$}", PermPublic, "", viaORUK((*oruk.API).Root)},
	{"GET /oruk", PermPublic, "", viaORUK((*oruk.API).Root)}, // the base URL without its slash: no redirect, which CORS would refuse
	{"GET /oruk/services", PermPublic, "", viaORUK((*oruk.API).Services)},
	{"GET /oruk/services/{id}", PermPublic, "", viaORUK((*oruk.API).Service)},
	{"GET /oruk/service_at_locations", PermPublic, "", viaORUK((*oruk.API).ServiceAtLocations)},
	{"GET /oruk/service_at_locations/{id}", PermPublic, "", viaORUK((*oruk.API).ServiceAtLocation)},
	{"GET /oruk/taxonomies", PermPublic, "", viaORUK((*oruk.API).Taxonomies)},
	{"GET /oruk/taxonomies/{id}", PermPublic, "", viaORUK((*oruk.API).Taxonomy)},
	{"GET /oruk/taxonomy_terms", PermPublic, "", viaORUK((*oruk.API).TaxonomyTerms)},
	{"GET /oruk/taxonomy_terms/{id}", PermPublic, "", viaORUK((*oruk.API).TaxonomyTerm)},
	{"GET /oruk/{path...}", PermPublic, "", viaORUK((*oruk.API).NotFound)},
	{"OPTIONS /oruk/{path...}", PermPublic, "", viaORUK((*oruk.API).Preflight)},

	// Machinery: health checks for the platform, and our CSS, JavaScript and icon.
	{"GET /healthz", PermHealth, "", (*server).healthz},
	{"GET /readyz", PermHealth, "", (*server).readyz},
	{"GET /static/{hash}/{name}", PermPublic, "", (*server).static},

	// Decision letters as tagged PDF to keep or print (issue 4, letter_pdf.go): the same permission and
	// audit as the HTML letter. A ServeMux wildcard is a whole segment, so the file is below the letter.
	{"GET /staff/children/{id}/ehc/letters/{lid}/letter.pdf", string(access.CaseView), "", (*server).ehcLetterPDF},
	{"GET /family/children/{id}/ehc/letters/{lid}/letter.pdf", string(access.FamilyView), "", (*server).ehcLetterPDF},
}

// Routes returns the route table, for tests and tools that walk every page.
func Routes() []Route { return slices.Clone(table) }

// IsPage reports whether the route answers a GET with an HTML page.
func (rt Route) IsPage() bool { return rt.Title != "" && strings.HasPrefix(rt.Pattern, "GET ") }

// Path is the address to request for a page without wildcards ("GET /{$}" is "/"),
// or "" when the pattern has a wildcard that needs a value.
func (rt Route) Path() string {
	_, p, _ := strings.Cut(rt.Pattern, " ")
	p = strings.TrimSuffix(p, "{$}")
	if strings.Contains(p, "{") {
		return ""
	}
	return p
}

// checkRoutes refuses a table in which a route declares no known permission,
// has no method, or is listed twice. New runs it, so a bad table cannot serve.
func checkRoutes(routes []Route) error {
	var errs []error
	seen := map[string]bool{}
	for _, rt := range routes {
		method, _, ok := strings.Cut(rt.Pattern, " ")
		switch {
		case !ok || method == "" || strings.HasPrefix(method, "/"):
			errs = append(errs, fmt.Errorf("route %q: the pattern must start with a method, e.g. \"GET /path\"", rt.Pattern))
		case rt.Permission == "":
			errs = append(errs, fmt.Errorf("route %q declares no permission", rt.Pattern))
		case !knownPermission(rt.Permission):
			errs = append(errs, fmt.Errorf("route %q declares the unknown permission %q (known: %s, %s, any role's permission)", rt.Pattern, rt.Permission, strings.Join(Permissions, ", "), PermSignedIn))
		case seen[rt.Pattern]:
			errs = append(errs, fmt.Errorf("route %q is listed twice", rt.Pattern))
		case rt.handler == nil:
			errs = append(errs, fmt.Errorf("route %q has no handler", rt.Pattern))
		}
		seen[rt.Pattern] = true
	}
	return errors.Join(errs...)
}
