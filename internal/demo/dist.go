package demo

// The distributions children are drawn from, with where each comes from.
// Counts per area are allocated exactly (largest remainder), not sampled, so a
// county has exactly its published plans and primary needs.

// planAgeWeights[a] is the share (%) of EHC plans held by children aged a
// (0–25) on Today.
//
// Source: DfE "Education, health and care plans", reporting year 2025
// (Explore Education Statistics, published 26 June 2025), national figures:
// children of compulsory school age (5–15) hold 78.0% of plans; single-year
// counts published for age 10 (41,405), 11 (46,775) and 12 (47,172) of 638,745
// fix 6.48%, 7.32% and 7.39%. The age breakdown is not in the vendored
// benchmark extract (it has totals by LA only), so the other single years are
// our interpolation within those fixed points, and the 22% outside 5–15 is
// split from the 2020 release's shape (16–19 then 21%, 20–25 6%, under 5 ~4%)
// shrunk to fit: under 5 4%, 16–19 14%, 20–25 4%. Check against the EES
// "caseload by age" table before relying on the tails.
var planAgeWeights = []float64{
	0.05, 0.2, 0.5, 1.1, 2.15, // 0–4: 4.0
	5.4, 6.3, 6.9, 7.1, 7.0, 6.48, 7.32, 7.39, 8.1, 8.1, 7.9, // 5–15: 78.0
	5.2, 4.2, 3.0, 1.6, // 16–19: 14.0
	1.3, 0.9, 0.7, 0.5, 0.35, 0.25, // 20–25: 4.0
}

// supportAgeWeights[a] is the share (%) of children on SEN support aged a.
// SEN support is recorded by schools, colleges and early-years settings, so
// it starts when a child is in a setting (from 2), peaks in Key Stage 2 and
// early secondary as needs are identified, and thins after 16 (colleges
// record learning difficulties less consistently) — the shape of the DfE
// "Special educational needs in England" national-curriculum-year tables
// (not vendored; our rounding). Normalised, so the weights need not sum to 100.
var supportAgeWeights = []float64{
	0, 0, 0.4, 1.6, 4.0, // 0–4
	5.5, 6.5, 7.2, 7.8, 8.2, 8.4, 8.2, 7.8, 7.5, 7.2, 6.9, // 5–15
	4.0, 3.5, 1.8, 0.7, // 16–19
	0, 0, 0, 0, 0, 0, // 20–25: SEN support is not recorded beyond college
}

// supportNeedWeights are the primary needs (%) of children on SEN support, in
// needCodes order ("" is "no specialist assessment of need", which has no SEN2
// code and is left blank). Published plan counts by need exist per area; SEN
// support does not in the vendored data, so this is one national shape used
// everywhere: DfE "Special educational needs in England", January 2025, SEN
// support pupils, rounded from memory of the release — SLCN and SEMH lead
// nationally (about a quarter and a fifth), then MLD, SpLD and autism; sensory
// and physical needs and severe learning difficulties are small, because those
// children mostly have plans. Down syndrome (DS, new in 2026) is 0 here. A
// Devon Local Offer summary of the same census gives 25/22/17/16/5% for
// SLCN/SEMH/MLD/SpLD/ASD, which agrees to within the rounding.
var supportNeedWeights = map[string]float64{
	"SLCN": 24, "SEMH": 21, "MLD": 17, "SPLD": 14, "ASD": 8, "OTH": 5.5, "PD": 2.5,
	"HI": 1.5, "VI": 0.8, "SLD": 0.5, "MSI": 0.2, "PMLD": 0.1, "": 4.9,
}

// specialShare is the chance that a school-age child with a plan and this
// primary need attends a special school. Severe and profound learning
// difficulties are almost all in special schools; specific learning
// difficulties almost never. The scale is set so that the county's plans
// come out near Worcestershire's published placement (January 2025:
// mainstream 46.5%, special 34.2%, further education 11.3%, educated
// elsewhere/NEET/unknown the rest; ees2025_caseload_all.csv).
var specialShare = map[string]float64{
	"PMLD": 0.96, "SLD": 0.92, "DS": 0.65, "MSI": 0.6, "ASD": 0.52, "MLD": 0.48, "PD": 0.42,
	"SEMH": 0.41, "OTH": 0.28, "HI": 0.22, "VI": 0.22, "SLCN": 0.14, "SPLD": 0.05, "": 0.34,
}

// designationFor is the kind of special school that meets a need.
var designationFor = map[string]string{
	"PMLD": "learning", "SLD": "learning", "MLD": "learning", "DS": "learning",
	"ASD": "autism", "SLCN": "autism", "SEMH": "semh",
	"PD": "physical", "HI": "physical", "VI": "physical", "MSI": "physical",
	"SPLD": "learning", "OTH": "learning", "": "learning",
}

// designations are given to special schools in turn, so a county of ten has
// three for learning difficulties, three for autism, two for SEMH and two for
// physical and sensory needs, and an area with one special school has one for
// learning difficulties.
var designations = []string{"learning", "autism", "semh", "physical", "learning", "autism", "semh", "learning", "autism", "physical"}

// boyShare is the share of boys: 70.6% of plans (EHC plans 2025) and about
// 64% of SEN support (SEN in England 2025). Sex is not stored; it only
// chooses the first name.
const (
	boyShareOfPlans   = 0.706
	boyShareOfSupport = 0.64
)

// ownRecordShare is the share of young people aged 18+ with plans who have
// their own person record (they sign in and make their own decisions).
const ownRecordShare = 0.6
