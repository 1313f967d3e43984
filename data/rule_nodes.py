"""A trial's criteria as content-addressed nodes: the compact form matching judges.

``flatten(record) -> (tops, nodes)``: ``tops`` is the hash of each top-level criterion (the
record's own, then the registry age/sex limits as ``registry_criteria`` adds them), and
``nodes`` maps every hash to its node. A node holds only what decides a status, never a
criterion's id or text (those are for display and come from the record):

- ``{"leaf": {...}}``                      a rule leaf, as in the record
- ``{"all": [h, ...]}``, ``{"any": [...]}``, ``{"not": h}``   rule combinators
- ``{"crit": h, "kind": "inclusion"}``     a criterion judged by the rule ``h``
- ``{"group": "all" | "any", "c": [h, ...]}``  a criterion combining sub-criteria
- ``{"review": true}``                     a criterion with no rule: the trial team judges

Equal structures get equal hashes, so thousands of trials share most of their nodes: the
store keeps each node once (``rule_nodes``) and each trial's ``tops`` (``trial_limits.plan``),
and matching judges a shared node once per turn (``matching/plans.py``).
"""
from __future__ import annotations

import hashlib
import json
import re
from functools import lru_cache
from typing import Any, Iterator

from core.rules import iter_leaves
from data.terminology import load_terminology

_SEPARATORS = (",", ":")


def node_hash(node: dict) -> str:
    """The content hash of a node (80 bits, hex)."""
    return _hash(_text(node))


# what ``json.dumps(node, sort_keys=True, separators=_SEPARATORS, ensure_ascii=False)``
# builds on every call (an encoder with these settings), built once: a re-plan writes every
# node of every trial (760,000 at 10,000 trials)
_ENCODE = json.JSONEncoder(sort_keys=True, separators=_SEPARATORS, ensure_ascii=False).encode


def _text(node: dict) -> str:
    return _ENCODE(node)


def _hash(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=10).hexdigest()


# Bump when what ``plan_row`` makes of a record changes: stored plans are then made again
# (``data.store.replan``) the next time a store is opened. 2, 3: own-condition marks (``besides``);
# 4: the pruning index (trial_conditions) is made again with the plans: the gate's reach;
# 5: category headings beside a condition under them reach no further (condition_names);
# 6: a top-level class inside an unknown name beside a condition under it reaches no
# further; solid tumour, leukaemia and lymphoma are classes of their own (terminology); so
# do the registry's index terms (``filed``: MeSH "Neoplasm Metastasis" beside "Breast Cancer");
# 7: an importer's age/sex limits from the registry fields count as the registry's;
# 8: both of 6 merged (filed index terms; unknown index terms file upwards only);
# 9: contradictory top-level age requirements are for the trial team.
# 11: the kind of disease a title names above a trial's one listed condition (title_kinds).
# 12: the population a title names ("in Adults Living With Obesity", title_population).
# 13: the stored condition list is the trial's own conditions (own_conditions), as the gate's.
# 14: the cohorts an inclusion heading names ("Parkinson's Disease", cohort_conditions).
# 15: title populations and cohorts add a condition only of another kind than the listed ones.
# 16: the gate's text names the trial's concepts its registry names do not give ("; also ...").
# 17: risk strata in a row are alternatives; one criterion's group-splitting ages are for the team.
# 18: the stored condition list (the ranking's) drops a listed condition the title narrows to a subtype (ranked_conditions).
# 19: criteria read new concepts (strong CYP3A inhibitors/inducers, GLP-1 RA, CNS involvement, brain-metastasis statuses, units in words).
# 20: criteria read a modal verb before a value; inability to receive a treatment is the team's; more list headings.
# 21: "germ cell tumour" is its own concept (germ_cell_tumor), no longer testicular cancer (h26; merged after h27's 20).
# 22: criteria read HER2 / hormone receptor status, COVID-19, HPV, "PCR"; an exclusion's any with a review branch never excludes on a negation alone; examples of a qualified kind, what a treatment was for, a test done, a treatment accepted for the trial are the team's (h32).
# 23: urine protein and albumin measures (labs_urine.yaml: UACR, UPCR, 24-hour protein) and proteinuria; "hepatitis B and C" names both.
# 24: a preference ("Priority will be given to subjects with HER2 positive ...") is no requirement: the line is the team's.
# 25: a multiple of the ULN written without "x" is no mass concentration; "within N x ULN" is at most; "more than or equal to"; "Total serum bilirubin"; "hormone therapy" in a criterion is no glucocorticoid; "drug or alcohol abuse" names both; "taking" a drug is now; the DSM is how a diagnosis is made; "HER2-", "ER-positive/HER2-negative" (both), statuses whose disease went into another alternative get a review (h37, round 9).
# 26: criteria read CAR-T products by name (axi-cel, tisagenlecleucel, ...), PTCL subtypes (AITL, ALCL, PTCL-NOS), Pola-R-CHP, BV-CHP, BEAM, ATG, DLI, "autograft"; "not a candidate for" negates a treatment (h39).
# 27: a condition only the registry's index adds that the title joins to the trial's own by "and" is no alternative (title_conjoined).
# 28: ANCA-associated vasculitis and Behçet's disease are their own concepts under vasculitis (an "ANCA-associated vasculitis" exclusion no longer reads as any vasculitis); "latent TB", "active TB", "LTBI" are tuberculosis (not total bilirubin); a trial filed under "cancer" alone is narrowed by the kinds its inclusion criteria name too (titles_and_inclusions); uncontrolled hypertension and uncontrolled diabetes are their own concepts; "NYHA Class II, III, or IV" reads to IV.
# 29: criteria texts read with the round-10 extraction (h43): habits with their negation ("never smoked", "Nonsmoker") and lab results in words; 3 of 3,995 criteria of the 241 records change (two review notes, one potassium criterion now review).
# 30: pancreatitis, pneumonitis, dysphagia, bleeding disorder, hepatitis A concepts; "History or current X"; a current fact after another keeps no history; a window stops at a later fact's own history cue; a relative clause after a list, a treatment a condition required, a suspicion alone, a screening test required: the team's (h40, round 10).
# 31: a bowel resection is its own procedure, a colectomy one kind of it (was read as a colectomy).
# 32: consent and compliance said in other words ("Consent to participate", "refuse to provide consent", "adhere to the study visit schedule", the language of the study) are review leaves with the reason consent / compliance; ">/=" and "</=" are ≥ and ≤; "grams/L", "x 10^9 cells/L", "per cumm"; percent ranges "8%-12%", "between ≥ 7.5% and ≤ 10.5%"; two inclusive limits "≥ 7% and ≤ 10%" are a range; a threshold "if <measure> ≥ n" without a bracket is the team's (h45, round 11).
# 33: criteria texts read with the round-11 extraction (h46): anti-infectives of the drug lexicon (isoniazid, antibiotics, antivirals), hepatitis D and E, organizing pneumonia (not an infection), "alcohol excess" / "an alcoholic" as alcohol use disorder, "scleroderma (diffuse)", a disease looked for ("under investigation for") suspected, a drug susceptibility no treatment.
# 34: a number glued to "+" is a dipstick grade, no amount ("proteinuria 2+"); "protein in the urine" with an amount is the 24-hour urine protein.
# 35: context rules on the very same words all apply (medspaCy kept one: "was negative" read nothing for a marker); a hedge or negation inside brackets reaches nothing after the closing bracket; rheumatoid factor a marker (lead, round 15).
# 36: the registry's "Alcohol Drinking" is alcohol use, not alcohol use disorder (h52, round 12).
# 37: values as people say them (h51, round 12): "+" after a number is "at least" except for a urine dipstick analyte, a decimal in words ("7 point 5"), an amount before the analyte ("2 grams of protein in her urine a day"), combination antibiotics one drug each (co-trimoxazole, co-amoxiclav, piperacillin-tazobactam), countries named alone.
# 38: registry criteria, round 12 (h53): a state before a list stops at an item with its own lead word; a condition defined by positive serology is its infections; a half-lives window keeps a later drug out of a day window; "(including for X)" is a purpose; "For <patients> with ...:" a cohort lead-in; lakh/crore multiply a number; "investigational study" is trial participation.
# 39: "positive" after two markers joined by "and" reaches both (scope 6); lupus nephritis classes in arabic numerals (lead, round 15).
# 40: patient-text reading, round 13 (h55): a hedge after a finding ending its clause ("lupus i think") is uncertain; "probably"/"possibly" stop at a comma; "have got" is no past "got"; a start cue gives way to a later stop or outcome ("MMF started 2019, stopped 2021 for nausea"); a past wish for a pregnancy is planning, a wish to come off a treatment says it is taken; a kidney biopsy's class after lupus is lupus nephritis; an acute harm from a drug ("pancreatitis from azathioprine") is over and the drug not tolerated; a short course with a past time is over; "I've got X" is had now; a wish for a treatment is hypothetical, a stop under way ('weaning off') current; a cured infection followed by a completed course is past.
# 41: a terminator in the middle of a sentence cuts the scope of a cue it lies in (medspaCy missed a scope wholly inside its own); a clause with its own pronoun after a comma ends a backward hedge or plan; "came back" before a result is no relapse terminator; "diagnosed ... at 11" an age of onset (lead, round 16).
# 42: registry criteria, round 13 (h59): a strict range ("≥ 3.5 and < 5.0 mmol/L", "> 1.0 and ≤ 2.5 x ULN") and a value outside a range ("TSH < 0.45 or > 10") read with both limits; "that is (either)", "at screening" before a value; a window before "treatment initiation"; HTML entities ("\\&lt;", "&amp;gt;") and "&" as "and"; "% predicted"; "strong CYP3A4 inhibitors or inducers"; "other/another/any interventional clinical trial(s)" is trial participation; a narrowing status beside another disease ("Newly diagnosed diabetes") is unread, no longer dropped; IOP and total lung capacity measured; infections of different agents joined by "and" in an exclusion are alternatives (a co-infection both); a class/stage/grade before a condition is a qualifier; a list item ending with "," read whole (importer).
# 43: values, drugs, round 13 (h56): anti-Sm, anti-RNP, anti-Ro, anti-La, ANCA (MPO, PR3) are biomarkers; an autoantibody's level or titre is its value, positive/negative only against a written reference range, never a share of cells; U/mL and AU/mL units; new drugs (avacopan, rilzabrutinib, iptacopan, quizartinib, …) and brand names (Velsipity, Omvoh, Sotyktu, Lemtrada).
# 44: a study in healthy volunteers only is a criterion of its own (elig-healthy); the gate of a study taking no healthy volunteers says so (patients); a title naming a molecular alteration and a kind of disease above its listed cancers is for the kind (title_kinds) (h57, round 13).
# 45: "n't" typed without its apostrophe in every rule that allows it ("it doesnt help"); "not working anymore" after a failure is no stop; a treatment "being discussed/suggested/planned" is talked of; "not much better" a failure (lead, round 16, after the merges).
# 46: conditions said as adjectives ("diabetic", "epileptic", "pre-diabetic"), the kind of scleroderma written after it, a drug given as prophylaxis is given, "either X or Y" and doctors' beliefs uncertain, a test done without its result unknown, "too frail for" a treatment hypothetical (lead, round 17).
# 47: the CD4 T-cell count is a lab (cd4_count: "CD4 count >= 350 cells/uL", cells/microliter); failures read in more wordings ("no diffrence", "barely helped", "never went into remission on X") (h60, round 14).
# 48: registry criteria, round 14 (h64): a threshold for each sex ("Hb < 12 g/dl for males and < 11 g/dl for females", "QTcF > 450 ms (men) or > 470 ms (women)") is any[all[sex, threshold], ...]; a condition whose bracket defines it by measurements ("End-stage renal disease (eGFR < 15)") is the measurement; blasts counted in the peripheral blood are the team's; the ECG and the correction formula a QTc is read by are no condition, "QTc prolongation (to) > 470 ms" is the value; "regardless of cause or severity" adds nothing; an HbA1c's mmol/mol restated in a bracket is dropped; the ASA physical status is a score.
# 49: a top class with only qualifiers ("Advanced Cancer", "Metastatic Cancer") listed beside kinds of it reaches the class, not every disease below it; stored pruning reach changes (h62, round 14).
# 50: clinicians' notes and letters (h61, round 14): HLD, PVD, "Alk P", sickle cell crises as terms; a drug given as prophylaxis or prn is taken, not hypothetical; "Declined X"; a result written once after a list of tests is every test's; "Plan: continue X" is taken; a severity word opens a list item.
# 51: registry criteria, round 15 (h69): "infection with HIV" is HIV positive (lifelong_infections); a filler modifier keeps an elided name ("allogeneic tissue/solid organ transplant" is no allogeneic HSCT); "type 1 or type 2 diabetes mellitus"; "8gm/dl"; QTc wordings (QTc prolongation terms, "exceeds", "milliseconds (msec)", the ECG in a bracket); "18 ~ 28", "in the range of"; the laboratory a value is measured at; "ASA<4", "ASA (long form) physical status"; "alternatively"; LVEF wordings; "defined by"; "and less than" a second limit; anti-TNF antagonists, "allogenic", substance dependence, Waldenström's; "Any history of X or Y"; "physician diagnosis of", "prior to Screening Visit 1".
# 52: courses that are over (h65, round 15): "then stopped", ", completed;", "courses x3", "N doses;", a remission after a course ("CR1"), ATG given once, a dated course phase ("Induction 2024:"), "then recovered" are past; qds/qid/qw/nocte/mane and "maintenance" are weak current cues (as od/bd/tds); prn reaches treatments only (current); "considered but not started" negates; "is a concern" hedges; "was in hospital with" is past; "TB test done, fine" is negative.
# 53: a stored table of each full-text term's counts per trial and column (trial_terms, migration 0009), read by the ranking's BM25 (data/bm25.py); plans themselves unchanged (h68, round 15).
# 54: registry criteria, round 15 (h67): a list heading of one part ("Part 1 additional inclusion criteria:") is that part's group; items labelled with two or more different parts of a study ("Part 1:" / "Part 2A and 2B:", "Cohort 1: ...", "Phase 2: ..." / "Phase 3: ...", "Group 1" / "Group 2") are alternatives in an inclusion list (a bare label line takes the items after it); an item or group labelled with one part alone holds only for that part's patients (the team's).
# 55: lead, eighteenth session: TNF-inhibitor wordings ("TNFi", "anti-TNFs", "TNF blockers"), "urine PCR" as the protein:creatinine ratio, a stop cue said of the treatment beside it, "Current:"/"Previous:" headings inside a line, as the criteria read them too.
# 56: lead, nineteenth session: myasthenia gravis's antibodies (anti_achr, anti_musk) and thymectomy as concepts, a transplant's kind from the words beside it ("from a sibling donor": allogeneic), "allo" and "AHSCT" by the disease, as the criteria read them too.
# 57: round 16 (h70): a failure said in the present of a treatment with a present cue of its own, a "still on" after the treatment, "and then" after a past treatment, the treatment a check is for ("tested for hep B before rituximab"), "X planned" at a text's end, intolerance after a verb-led list: extraction flags a criterion may read too.
# 58: registry criteria, round 16 (h74): a plain HBV / HCV "positive" carries the team's check (which test; a resolved infection's antibodies stay positive); a group named as an item with no age ("Children and pregnancy") is the team's; "before first dose" / "1st dose" as the trial's first dose; "at least 1 <condition>"; spelled mL/min and mg/g; a bracket writing a lab value's unit again or its formula out; abbreviations in square brackets; per-sex thresholds in one bracket after "prolonged"; "based on clinical criteria or histology or imaging"; "within the range X and Y"; HbA1c in mmol/mol with its % restated; drug-elimination half-lives; "prior to start of study intervention"; "and immediately prior to the start of study treatment".
# 59: h71, round 16: the drug lexicon holds the commonly prescribed drugs (MedlinePlus / NHS medicines pages; ~1,200 drugs, classes for ACE inhibitors, ARBs, thiazides, oral antidiabetics, NSAIDs, antiretrovirals, inhaled steroids), so criteria naming them compile to leaves; typo recovery never reads a word of a longer term as another concept's typo, nor a prefix and a common word ("predose"); a class named as a line's heading over a list of its own kind is no mention.
# 60: lead, after the merges: the members a bracket names after a class word the terminology does not read are examples ("Antiarrhythmics (amiodarone, quinidine)": any[amiodarone, quinidine, review]); the class word had been dropped.
# 61: h72, round 16: an item for an optional part of a study alone ("Optional: Child participants in the optional assessment ... must be 4 to 18 years of age") never decides alone (optional_item, as under a sub-study heading); biliary tract cancer split into cholangiocarcinoma (Klatskin tumour, bile duct cancer) and gallbladder cancer, so trial conditions compile to the child concepts; criteria read as the patients' texts are: a negative in a bracket or "ruled out" after a dash aside no longer negates the mention before it, new concepts (cITP, CADM, FMF, Kawasaki disease, autoimmune encephalitis, West syndrome).
# 62: lead, after the merges: a dash aside ends only "ruled out" (its own category, ASIDE); "HIV - negative" carries its result again.
# 63: h76, round 17: ADE (cytarabine, daunorubicin, etoposide) and navitoclax as concepts, so criteria naming them compile to leaves; "TBI" beside a transplant for a blood cancer is total body irradiation (radiotherapy), not a head injury.
# 64: h79, round 17: an item under a heading with a window, a qualifier or "some parts of the study" that it does not repeat ("any of the following ... ≤ 90 days prior to randomization: Myocardial infarction") never decides alone; a window counted from a diagnosis or onset is the team's; acute coronary syndrome is a concept of its own (no longer a term of coronary artery disease).
# 65: h75, round 17: criteria read as the patients' texts are: a test's result after its clause's comma is the test's; "stopped" ends at a word of order (then, ->); organ trouble in plain words after a disease ("lupus with kidney problems") is its organ disease; "MRD 0.3%" is MRD positive and "MRD <0.01%" negative; a restart after a stop is current; the disease a past "s/p" treatment was for is not past.
# 66: h81, round 18: FCR, FC, bendamustine-rituximab, R-CVP, CVP, VenR, VenO and HiDAC as regimens with their drugs, so criteria naming them compile to leaves; the disease a trial is asked for is not in doubt; a "from <date>" start goes on.
# 67: h82, round 18: criteria read as the patients' texts are: a condition as an index heading names it ("Colitis, Ulcerative", "juvenile idiopathic arthritis, systemic onset"); Kahler's disease, "ALL (B-cell)", idiopathic thrombocytopenia and dermatomyositis's two signs in lay words as terms or patterns; T-PLL also a non-Hodgkin lymphoma (a mature T-cell neoplasm).
# 68: h80, round 18: criteria read as the patients' texts are: "no more effect" is a failure; "N times," counts courses given; "so" and "and he" end a hedge's or an age-at-event's reach back; "advise re X" asks about X; an age as a decade ("in their 40s") is a range.
# 69: h83, round 18: a term naming a kind of its concept (the terminology's `narrower` lists: "rectal cancer", "decompensated cirrhosis", "uveal melanoma", "pneumonia") is the team's beside the broad leaf; kinds as concepts of their own (glioblastoma and the other gliomas, brainstem glioma / DIPG, angina pectoris, smouldering and non-secretory myeloma, long QT syndrome, parkinsonism; data/terminology/conditions_kinds.yaml); "infection with hepatitis B / C" reads as "hepatitis B / C infection" (which test is the team's); a qualifier that reaches no fact is an unread list item ("type I diabetes or not controlled type II"); a wash-out (a treatment within N half-lives) in an inclusion list is the team's; a sex leading an inclusion read as nothing else is no sex requirement; "histopathological" is how a diagnosis is made.
# 70: lead, round 22: "T-cell leukaemia" is a concept of its own (t_cell_leukemia, above T-ALL, T-PLL and ATLL); criteria read as the patients' texts are ("GDP x2 with SD" failed, "lung fibrosis" is ILD).
# 71: h88, round 19: a window on an episode word of a lasting condition ("seizure within 6 months") is the team's beside the epilepsy leaf; "suggestive of" in an exclusion is a suspicion (the team's); trailing site-procedure sentences ("testing for HIV is required during Screening", "NOTE: cases with unclear interpretation ... medical monitor") and a formula's written-out arithmetic ("(140-Age)*Mass ...") are no conditions; "measured in 24-hour urine" after a clearance is how it is got; a window "prior to signing the informed consent form" is no consent; "another clinical study" is another trial; "who are participating / enrolled in" another trial is now; HCV RNA and HBV DNA spelled out (ribonucleic / deoxyribonucleic acid); "patients on X" takes X now; a plural "infections" after named infections is their head noun; unread words beside a status word ("untreated brain metastases not needing ...") stay the team's; a measuring method never swallows a site limit; "a tumour that can be measured" is measurable disease; a line opening with an agreement, willingness or consent is the team's whatever it names.
# 72: h86, round 19: criteria read as the patients' texts are: a failure said of a treatment the text also names as taken now goes on; what a bracket after a treatment that is over names is of then; a course with its count after a finished one is finished; a treatment written as a harm's cause word ("steroid-induced") is past; a table row with a start and a stop is over; "Plan:" does not reach past a failure; "refractory class III/V LN after X" fails X; "eval for" as "evaluation for"; an infection on a plan line with a test word is to be tested.
# 73: h85, round 19: criteria read as the patients' texts are: a relapse in any spelling or with its time before "after" fails what follows; the disease "back" at a text's end fails the treatments before (not a count "back to normal"); "but she stopped" ends the course before; "only a partial response" is a failure; a value "at diagnosis" or "in a flare" is past; "later X in addition" keeps the first; "X considered." is hypothetical; "switched the X for" ends X; a weak lab name ("c3") with a quality in words is the lab; a count by its decade ("in the teens") is a range.
# 74: lead, round 23: criteria read as the patients' texts are: Dilantin is phenytoin; a weak lab word in small letters ("got") needs its value right after it; outcomes after a list in a clause of their own; "not tested" ends at its comma; progression on a scan fails the treatments before.
# 75: h93, round 20: criteria read with other names of one analyte in its bracket ("aspartate aminotransferase (AST or SGOT) ≤ 1.5 × ULN"); "PT/INR" (one test in two forms) under one threshold is the team's; a line that is the age alone ("18 and over"); "predisposition to bleeding" / "bleeding tendency" is a bleeding disorder; "prior to initiation of study" at a clause's end is the trial's start; full-width brackets and stops read as ASCII; "child-bearing" is "childbearing"; "at least one target lesion" is measurable disease; a method ("assessed by ...") never runs over a bracket saying "only".
# 76: h92, round 20: a trial for people at risk of a listed condition, or preventing it ("Who Are At High Risk For Systemic Fungal Infection", "To Reduce The Incidence Of Prostate Cancer", "Prevent Preeclampsia", "HBV Vaccinations"; at_risk_words / at_risk_before, data/evidence.yaml), or listing only what is done to people ("Analgesia", "Arthroplasty, Replacement, Knee"; care_conditions), has a condition gate that never rules out a patient by diagnosis (any[gate, review]) and is never pruned on conditions; a brief title's population written before its people ("... in HER2-negative Metastatic Breast Cancer Patients With ...") is the trial's too.
# 77: h90, round 20: criteria read as the patients' texts are: "hep" alone is viral hepatitis; "X too" after a negative result is negative; "X was tested, negative"; "waiting on the X result" is unknown; a hedged no-response after a treatment ("X i dont think did much", "not convinced it did much") fails it; a lab in its own sentence after a closed course is today's; fibrosis a scan showed after the lungs is ILD; a relapse after a treatment that was "had" is today's; "has had X since" is taken now; a drug split in two words is read joined.
# 78: h91, round 20: statuses as haematologists write them (CRi, CRh, uMRD, "MRD persistently positive", CNS2/CNS3); "KMT2A not rearranged", "not applicable" (a treatment) and "avoided" negate; "check HBV, HCV, HIV" reaches the whole list; "referral for" a disease names the patient's; "was treated by" is a course given; one-year month ranges (06-08/2025) and "since 01/25" read; "with early progression" fails a line; "FLT3-ITD mutated" is positive; a vaccine given is done; a dated onset after "h/o" keeps a lasting illness current.
# 79: lead, round 21: a trial for people at risk of a complication of pregnancy (pre-eclampsia, gestational diabetes) keeps its sharp gate (a stated pregnancy meets it; no at-risk review); "Maternal Hypertension" is gestational hypertension (a complication of pregnancy), not hypertension.
# 80: h98, round 21: an allergy leaf ({type: allergy, substance}) read from a line that is an allergy or hypersensitivity to named drugs and nothing else ("Known hypersensitivity to alpelisib or fulvestrant, or to any of the excipients of ...", "Allergy to gabapentin.", "History of allergy or hypersensitivity to X"; with "intolerance" also the drug not tolerated; a severity is the team's: all[allergy, review]); terminology: penicillin and sulfa drugs (sulfonamide antibiotics) as drug classes.
# 81: h95, round 21: numbers in words read as ages ("sixty eight years old", "a year and a half old"; not "the one with"); a one-word drug name written as two words ("hydroxy chloroquine", "aza thioprine") is that drug, not the one inside it; "isnt controlled" negates nothing after it and "didnt keep X under control" fails the treatments before it; "he did X" / "we did the X" is a course of the past; "no relief", "but no use", "not so much effective" fail a treatment.
# 82: h96, round 21: one concept per drug across UK/US names (acyclovir is aciclovir; paracetamol is acetaminophen; alendronic acid is alendronate); "CR-1" is a remission; "CNS negative", "No CNS disease", "CNS relapse" and tumour cells in the CSF of a blood cancer are CNS involvement; a heading's class word before "history:" / "screen:" is no mention; a lab's unit before its value and the latest of dated table columns are read.
# 83: h97, round 21: a trial whose title names its people by what they receive and no disease ("... in Children Receiving Highly Emetogenic Chemotherapy"; receiving_words / receiving_people, data/evidence.yaml) has a condition gate that rules out no patient with another disease of the listed diseases' kind (any cancer for a blood-cancer listing) and is never pruned on conditions; cancer anorexia-cachexia is a complication of any cancer (its trials are a cancer patient's, the cachexia asked); migraine is no central nervous system disorder; "X-naive" / "naive to X" is never had X, and the negation stays on X; a screen with its tests between it and a negative result ("malignancy screen including PET-CT negative") is absent; a medicine "for my blood pressure" is hypertension.
# 84: lead, round 25: how a person is on most days said in everyday words is the ECOG score it implies (data/patterns/scores.jsonl, kind functional); "not sure about" a treatment is uncertain; harm to an organ is intolerance; a treatment the doctors will not give is not given; "and she's" starts a clause of its own; "anti-synthetase myositis".
# 85: h100, round 22: the record's interventions are passed to the criteria reader (nlp/criteria/study_drugs.py); "Known hypersensitivity to the study treatment or any of its ingredients", "... to the study intervention, or any excipients of the study intervention" are the allergy leaf on each of the record's drugs when every drug intervention is a concept the pipeline reads (placebo, procedures, radiotherapy and behavioural interventions aside; a code, a regimen, a class or "of physician's choice" leaves the line to the team, as before).; a kind named by a term of its concept is narrower (the terminology's `narrower` lists, now for therapies too): "Active pulmonary tuberculosis", "hypersensitivity to insulin glargine" are the team's beside the broad leaf; "nursing women" are breastfeeding; "histological or cytological confirmation of X" is the diagnosis X; an age "when signing the informed consent" is the age.
# 86: h102, round 22: disease abbreviations in small letters ("ra", "uc", "aps") read in a disease's place; "finish" (without -ed) ends a course; "to be added", "are adding", "starting monday" plan a treatment; "the switch from" ends the first; comparisons with an earlier time ("better before") and a disease's own rash are no cues; a history of a disease before "on X" leaves X current.
# 87: h103, round 22: terminology: "Mantoux" / "tuberculin skin test" are tuberculosis tests; "TLC" and "total leucocyte count" are the white cell count (beside a lung-function word, total lung capacity); "BK"/"haemorrhagic"/"interstitial" cystitis is no urinary tract infection; a generic "leukaemia"/"lymphoma" after a slash following a blood cancer's name is the same disease; an antigen before "-directed"/"-targeted" is no finding; a disease or procedure naming a service ("... Transplant Follow-up Clinic") or on an address line ("To: CAR-T referrals") is no fact; the age a letter states beside a date of birth is the age; treatments under a hospital-course heading are over unless said to go on.
# 88: h104, round 22: terms match in British and American spelling alike ("oesophageal squamous cell carcinoma" is oesophageal cancer, no longer a head and neck cancer; leukaemia/leukemia, anaemia/anemia, tumour/tumor; term_spellings in data/nlp/extraction.yaml); a germline BRCA1/2 mutation is a condition (brca_mutation: registry "BRCA1 Mutation"/"BRCA2 Mutation", an unaffected carrier; healthy-compatible, background beside a cancer).
# 89: lead, round 26: a disease named to say what something looks like ("lupus-like syndrome") is no disease; a diagnosis given first and then changed is denied; faecal calprotectin is a lab (ug/g); comparators said with "never" ("never above 30"); "even on X" is a failure of X; "back on it" takes a stopped drug again; drugs in a bracket after their class take its outcome.
# 90: h107, round 23: a stage leaf ({type: stage, stages}) read from a line that is the stage of the trial's cancer and nothing else ("Stage IV disease", "Must have Ann Arbor Stage II-IV disease.", "Diagnosed with Stage IV breast cancer", "The lymphoma should be either in Stage III or IV according to Lugano classification at screening."); criteria lines read the stage as no patient fact; a list marker with a letter ("5a.") before a whole-line form.
# 91: h105, round 23: terminology: "Alb" / "alb" is serum albumin; short lab abbreviations in small letters ("cr 1.4", "ck 2400", "c3 0.6") read before their value; lab values in words ("platelets are twelve", "thirty thousand"); months with two-digit years ("RTX 03/22", "mtx 04/20-11/21") date a treatment.
# 92: h109, round 23: a biomarker basket whose two titles name its people by the top class and by a kind ("in Cancer Patients With ... (KRAS G12C)" / "... KRAS G12C-Mutant Advanced Solid Tumors") is for the kind (title_kinds); terminology: indeterminate colitis / IBD-U is inflammatory bowel disease; non-English names of the mission diseases (maladie de Still, colite ulcéreuse, polyarthrite rhumatoïde, artritis reumatoide, sclérodermie, esclerodermia, dermatomiositis, ...).
# 93: h106, round 23: a disease status said in a text naming only diseases that are no cancer (autoimmune, aplastic anaemia, TTP, kidney disease) is not read, as one beside such a disease was not; "the MRD to 0.8%", "MRD fell to 2%" are MRD results; "drinks socially"/"drinks rarely"/... are alcohol use; "urine albumin/creatinine" is the UACR; "Treatment this admission:" lists a course over; "X if no response", "X if she drops below 30" are conditional; "referred for" a lab value is a result; a drug "for febrile neutropenia" is no harm; a failed drug written with its schedule ("despite mesalamine 4.8 g daily") is taken now; a value followed in a later sentence by one said at discharge or having fallen or risen to it is past; "a 2-year-old brother" after the patient's age is the brother's.
# 94: lead, round 26 (after the merges): a pregnancy counted and told in the past ("her first pregnancy was complicated by gestational diabetes") is over, with what it was complicated by.
# 95: lead, round 27: "progesterone-only pill" and "progestogen only pill" are contraception; denied pregnancy plans ("we aren't planning kids").
# 96: h111, round 24: a treatment excepted from a whole group's outcome ("all the biologics except rinvoq failed") is not failed, the group is; a treatment said with "got"/"had" and a recurring schedule ("got IVIG every month") is taken now unless stopped; "MRD was positive after induction" is of then; weeks after a pregnancy word are the pregnancy's, not an age; misspelt organ-trouble words ("kidney problms", "lung isues") are read; "X which she's on now" is taken now; a unitless value only SI units can hold ("Creat 78") sets SI for the message's open values.
# 97: h113, round 24: a toxicity leaf ({type: toxicity, grade, except}) read from a line that is a side effect of earlier anticancer therapy still present and nothing else ("Persistent toxicities (CTCAE Grade >= 2) caused by previous anticancer therapy, excluding alopecia", "Presence of an acute or chronic toxicity resulting from prior anticancer treatment, with the exception of alopecia or nail changes, that has not resolved to Grade <= 1", "Recovered from toxicity to prior anti-cancer therapy").
# 98: h110, round 24: a "negative for" list closed by a semicolon negates each item ("Negative for HIV, HBV, HCV; positive for anti-HBc"); "no treatment for X" / "not on anything for X" keeps X; "if X flares/relapses/gets worse" keeps X; a treatment in an "if" clause right after "stop"/"come off" is taken now; "X I'm off since ..." is over; a newer value with its "now" after it ("8000 at diagnosis, 450 today") is the value of now; a transplant's donor after a date ("transplant, in 2020, from his brother") makes it allogeneic.
# 99: h112, round 24: criteria read as the patients' texts are: the disease after "referred for" is the person's own, not hypothetical (as after "referral for"; a suspected one keeps its own cue).
# 100: h119, round 25: prior lines counted as "prior treatment regimens" / "previous systemic regimens" are the score prior_lines ("received >= 1 prior treatment regimen"); a trailing sentence defining what one line of therapy is ("Note: One line can contain several phases (e.g., induction, ...)", "... are considered a single line of therapy") is dropped like a procedure note; patient texts set prior_lines ("she's had 3 lines of treatment", "3 lines of chemo", "R-CHOP then R-ICE then CAR-T").
# 101: h115, round 25: "MG" in capitals is myasthenia gravis (a unit after a number, "60 MG", is not); "fibro" is fibromyalgia; "anti-synthetase antibodies" is the marker, not the syndrome; a lab's direction with no number ("CK keeps climbing", "plts dropping again") is a LAB fact said to be rising or falling (never judged against a threshold: unknown, the value asked); "back to normal" is a normal result; "had ITP since last spring" goes on; "for the past 6 wks" is no history cue; "can travel to london" is a place.
# 102: lead, round 28: CD7 and CD19 expression have Chinese names; "looking at"/"rather"/"prefer" before a treatment make it considered, not had; courses counted right after a treatment ("pred twice,") and "another round of X" are had; a course told by its length then ", now" is over; an item ending with the dose of now ("; currently 12.5 mg") is taken now; a bracketed donor after a date makes a transplant allogeneic; a cue of the sentence before does not choose what "since" dates.
# 103: h116, round 25: the end of a use with its year ("azathioprine to 2021", "completed 2024", "weaned off 2023") makes it over; a level measured at diagnosis or presentation ("ANA 1:640 ... at diagnosis") is of then; a cancer listed with its year on a "Background:" line is history, "Previous history:" is a history heading; a date does not reach a fact past a nearer time, nor a treatment past a semicolon; a course count then its remission ("7+3 x1, CR1") is over; "treated per" a protocol is a course given; the problem a dated presentation was with is of then; a dose changed between a treatment and a date ("reduced from 20 mg in 09/2025") dates the change, not the end of the use.
# 104: h117, round 25: the condition gate of a study about family history (its title or summary says so: the web family-history tool) carries "relatives": a relative's listed condition meets it, the person's own other diagnoses never rule them out then.
# 105: lead, round 29: splenectomy said as people say it ("spleen was taken out in 2010").
# 106: h120, round 26: "hepatitis B vaccine" (and hep b jab, Engerix-B) is a vaccine of its own in a person's words (patient_words), no hepatitis B; "(not sure)" opening a bracket after a diagnosis doubts it, "(not sure which type)" does not; "isnt responding to X" is a failure while taken; an infection counted ("covid twice") is past; a contraceptive device fitted in the past is in place now; a disease "in her lungs" / "affecting his heart" is the organ's disease; a bare age after a sex word ("the mother, 34,").
# 107: h121, round 26: a restart ("restarted 04/2025", "held ... and restarted") makes a treatment current again; "on hold" ends it for now and the illness named after a hold's "for"/"because of" was its reason, of then; a schedule then its last dose ("6-monthly (last dose 08/2025)") goes on; a value said "today" after a finished course, or before an older value in brackets ("CK 1,450 today (4,800 at diagnosis)"), is today's; "progressed to" reaches a disease past its subtype and date; a dated relapse followed by a newer one, and a refractory line or an MRD result followed by a later relapse, are of an earlier line; ESRD followed by the patient's kidney transplant is past.
# 108: h124, round 26: "both healthy", "we are (both) healthy", "both in good health" and "no diseases" are the healthy (no known illness) term; "Myself (F, 61)" gives the writer's age and sex like "Me (F, 33)".
# 109: h122, round 26: 21 concepts registry criteria name (endocrine therapy with SERD, SERM and androgen-receptor inhibitors below it and aromatase inhibitors now under it; CDK4/6, PARP and ALK inhibitors, EGFR-TKIs, antibody-drug conjugates, bisphosphonates, anticonvulsants, beta blockers; bradycardia under arrhythmia, malabsorption, GI perforation, bowel obstruction, hepatic encephalopathy, portal vein thrombosis, pheochromocytoma, personality disorder), their member drugs (drug_lexicon); "pulse oximetry" is SpO2 and "on room air" how it is taken; "cytotoxic chemotherapy" is chemotherapy; "absence of" a marker is one negation (was read as the marker required); "already on" is a treatment now; a window counted from the diagnosis ("within 5 years prior to diagnosis") is the team's.
# 110: lead, round 29: "Primary diagnosis of A, B or C" is the trial team's, the whole line (the qualifier had reached A only; B failed on a comorbid disease).
# 111: h126, round 27: the reason written after a switch is the earlier drug's (the one switched to is current); maintenance on a schedule with its last dose goes on; a hold ended by a restart after a comma or across a harm is taken now; an illness a treatment was held for (or an event it was stopped for) was then; today's value set against one at diagnosis is today's; a counted rescue, a course "given <year>", a re-induction, a dated event's treatment ("crisis 02/2024 requiring plasma exchange") and a line's induction named with its regimen are over; portal vein thrombosis is an acute event.
# 112: h125, round 27: "complement" (C3/C4 not said which) and "hypocomplementaemic" (low) are a lab concept; CKD1-5 are chronic kidney disease; "AL amyloid" is AL amyloidosis; "dz" shortens "disease" at a term's end ("interstitial lung dz").
# 113: lead, round 30: a treatment named before "eligibility"/"suitability" and one after "prior to"/"ahead of" is asked about or planned; a hedge ends at ", the doctors said"; an organ said to be well ("her kidneys are fine") has no disease of it; a failure said in its own clause after a treatment taken now is over; a date range left open ("(2024-)") is now; a pregnancy is a state a healthy person may have; a past infection beside a main diagnosis is no diagnosis.
# 114: h128, round 27: the extent of a cancer (advanced, locally advanced, metastatic: statuses in disease_status.yaml, no longer inside "metastatic breast cancer" and four other cancer terms) is a leaf for a line that is the extent and nothing else ("Locally advanced or metastatic disease", "Evidence of metastatic disease", "... confirmed locally advanced or metastatic NSCLC"); "history or concurrent X" is a history; "exposure to" a drug is the therapy (an exposure to an infection, disease or radiation stays the team's).
# 115: h127, round 27: a "no concurrent X" / "concurrent X" prohibition is about use during the study (therapy leaf during_trial): a drug taken now is reviewed ("would have to stop"), never failed; "portal hypertension" its own concept under liver disease (was a name of liver disease).
# 116: lead, round 31: a disease's type said after its name ("systemic sclerosis, diffuse type", "myositis, the antisynthetase type") is that kind; a list opened by "on" at a line's start is taken now to its end.
# 117: h133, round 28: "5 half-lives, if known" / "(if known)" is the half-life leaf's own reading (no condition dropped); live vaccines a person names (MMR, measles, yellow fever, BCG, nasal flu, oral typhoid/polio, rotavirus) are live vaccines.
# 118: h131, round 28: context rules a criterion's words may meet ("was complicated by", "until <date>", "excised/resected/removed", "will be restarted", "(X) given;", "not a candidate for" ends at a comma, "controlled with" no longer a past cue), cue scopes (a result after a rule-out's colon, an s/p item's comma, a denied change, a failure opening its own item, a new verb after "and") and allergy headings end at their sentence.
# 119: h130, round 28: an organ or its function said to be well in everyday words ("kidneys normal", "Heart function is good") is no disease of it, and ill ("kidneys arent great") the disease's organ disease; a partial response ("helped a bit") is no failure; a harm on a treatment ("got shingles on it", "complicated by", "made me diabetic") is intolerance; a treatment not wanted again was had.
# 120: h134, round 28: a cancer that cannot be removed by surgery (unresectable_disease, a kind of advanced cancer in disease_status.yaml: "unresectable", "inoperable", "can't be removed") is read in a line that is the extent and nothing else ("unresectable or metastatic melanoma": any; "inoperable locally advanced or metastatic breast cancer": words side by side are all of them); a stage line's two cancers joined by "or" are either (any), never both; a treatment's name alone among the inclusions ("Radiotherapy") is a list item for the team; "antisocial / borderline personality disorder" are narrower than personality disorder; a bracket "(including X)" with X unread and a bracket naming kinds by a Roman number ("(type I or II)") are the team's, never dropped in silence.
# 121: h132, round 28: a negation reaches nothing past "since" nor past what a denied treatment is "for" ("No chemo since the first cancer", "no chemo for the lymphoma"): those diseases are had.
# 122: h138, round 29: what windows are of: concepts for mRNA and COVID vaccines (no concept for a vaccine of no named kind), blood and plasma donation, blood transfusion (its kinds narrower), significant traumatic injury, an investigational device and palliative radiotherapy; a bracketed window before its noun ("Recent (within 6 weeks) myocardial infarction") is that noun's; conditions "A, B and C" in an exclusion are alternatives; screening assessments, leukapheresis and "starting therapy" are points of the trial a window ends at; a permission naming another kind than the criterion's ("killed vaccines is allowed") is a note.
# 123: lead, round 32: a status pair followed by a therapy response ("refractory or relapsed after at least two lines") joins its two words only, never the disease before it with the lines after it; "B cell NHL" is a B-cell lymphoma. Topical steroids are their own concept (route topical): a systemic-steroid line spares them, also one that took out inhaled steroids itself.
# 124: h139, round 29: prior drug treatment in the advanced setting (treated_advanced_disease, a status in disease_status.yaml) is read in a line that is that setting and nothing else ("Prior systemic therapy for advanced/metastatic NSCLC", "No prior systemic anti-cancer therapy for advanced disease", examples in "(e.g., ...)" never narrowing); "for metastatic disease" alone, a kind of therapy and any other word stay the team's; the classes pi3k_inhibitor, akt_inhibitor, mtor_inhibitor (therapy_classes.yaml); a therapy "for" a disease read as a therapy beside a history ("PI3K inhibitors (e.g., alpelisib) for breast cancer") is the team's.
# 125: h135, round 29: terminology criteria may use: "tb" in small letters is tuberculosis, "mogamulizumab" (and Poteligeo) is mogamulizumab-kpkc, depression and anxiety said in a person's words ("suffer with depression", "i get anxiety") are the disorders; a present-tense refusal of a treatment ("she refuses the ritux", "im refusing chemo for now") is hypothetical; a hedge ends at a comma before a disease stated as known.
# 126: h136, round 29: ConText and mention rules shared with the criteria reader ("EGFR exon 19 deletion", "EGFR L858R" are a sensitizing EGFR mutation, "BRCA1 germline mutation" a BRCA mutation): a treatment "not needed" / "not required" is denied (the disease it is for no longer negated by the bare "not"); febrile or provoked seizures are no epilepsy; a disease before "panel" is a test's name; a dated relapse "while on" a treatment fails it; a cue in a bracket after one mention is that mention's; "held on admission", "can start after", an awaited resolution, "in her teens"; a whole-list result reaches past an unknown item; a service named by an infection or pregnancy word is no fact.
# 127: h137, round 29: a status denied only as a treatment's aim ("No treatment for advanced disease yet") is had; "not treated yet" in everyday words, a rising paraprotein (relapse), "lung ca"/"colon adenocarcinoma" shorthand and an unknown marker's "p16-negative" (no denial of the disease before it) are read; "gone to" is no "went away".
# 128: h141, round 30: a cancer told with its dated, finished treatment is past ("prostate cancer 2016, treated with radiotherapy"; not when a relapse or spread follows); "prostate ca" and other "X ca" shorthands; a gene with a negative result after it ("EGFR wild-type", "ALK negative", "KRAS wt") is a negative marker that negates no disease before it; a dated relapse on a maintenance fails it; a failure cue reaches no later item with its own response; "thrombolysis" is no typo of thrombosis; "interested in a trial" and "keen to take part in a trial" are hypothetical; a denied ectopic pregnancy is no denial of being pregnant.
# 129: h140, round 30: a thing denied in the perfect tense since a time or for a span was had before it ("havent been pregnant since 2019", "havent taken pred since 2022"); a denial with an exception right after it ("no DMARDs apart from methotrexate") is no denial of it all; a negated flare reaches no treatment after it ("has not flared in 3 years on vedolizumab"), "never flared again since" is no past disease; only one of a list that helped: the others failed; "isnt cutting it", "not sure yet", "last pregnancy", taking-now and failure verbs and drug names in German, Spanish, Italian and French; "LN class 4", "dermato" beside muscle words, small-letter disease abbreviations opening a clause, "plates" and "ck 4k" values; whose fact ("this is about our son", "thats not why im here", "asking for her"); a failure cue denied right before it ("no flares on mmf"); "none of it is working" after a list taken now; a level that "never goes above" a bound; an antigen named for a treatment or trial ("not eligible for cd19 ones") is no result; a lasting disease "had" for a span ("had lupus 12 yrs") goes on; "since stopping X" is over.
# 130: lead, round 33: atherosclerotic cardiovascular disease is its own concept (coronary, peripheral arterial disease and the new ischaemic stroke below it; "cerebral infarction" moved from stroke to ischaemic stroke); a stoma (ostomy) under bowel resection; asthma, hay fever, migraine and gout are background comorbidities.
# 131: h144, round 30: a status written before a count of prior lines stays with it ("Relapsed after or refractory to ≥2 lines": relapsed_or_refractory and the count; an exclusion's, or a status with no concept, the team's), a bare "relapsed"/"refractory" before a disease is its status (an inclusion's cancer), unread in an exclusion, dropped as before beside an inclusion's other disease ("Refractory lupus nephritis"); Karnofsky/Lansky unread; a staging edition bracket after a stage; "central nervous metastases"; "measurable systemic disease" no longer any measurable disease; "not more than" a bound, no negation.
# 132: h143, round 30: the classes ros1_inhibitor, met_inhibitor, kras_g12c_inhibitor, her2_targeted_therapy, cdk_inhibitor, antipsychotic, maoi, weight_loss_medication (therapy_classes.yaml) and sglt2_inhibitor (therapies_common.yaml) with their member drugs, the antibody anti_lrp4; the ALK, EGFR, ROS1 and MET inhibitors are tyrosine kinase inhibitors ("an EGFR tyrosine kinase inhibitor" no longer any TKI); an investigational product implies a trial participation (terminology "implies": the reader keeps the product alone, the matcher counts it); "currently participating" in a trial keeps its "now" when a window belongs to another item of the line (the team's); a drug "used for (the) prevention of" a disease gives no disease; a wrapped tail of lower-case "anti-" classes is a fragment; "On <drug>" at a line's start is current use; "prior to Day 1 dosing" is the first dose; "menin" is never a typo.
# 133: h142, round 30: letters' "IDC", "ILC", "mBC", "GBM", "mRCC", "prostate ca", "bladder ca" and "MM (IgG kappa)" / "relapsed MM" are read; receptor lists split at their signs ("ER+/HER2-" -> ER positive, HER2 negative); a bare "PMH" dates what follows and "has been fine since" makes a past illness past.
# 134: h149, round 31: a bracket of tests of the infection before it defines it ("active Hepatitis B (defined as HBsAg positive and/or detectable HBV DNA)", "hepatitis C infection (HCV antibody +ve)": the tests, no active leaf beside them); a condition's duration as a measure ("Diabetes duration > 2 years" min_duration_months 24; "< 2 years", "<= 5 years since their diagnosis" the diagnosis not held that long); "history or (clinical) evidence of" is the history; "leptomeningeal spread", "chronic renal disease / failure / insufficiency", "cardiac / heart rhythm disorder" are terms; "any pathology like X" keeps the team's check; a lower-case "history of <condition>" line is an item, no wrapped tail; "seropositivity (for)" is positive; "Screening for X at baseline is not required" is a procedure note.
# 135: lead, round 34: ConText rules the criteria reader shares: "commenced"/"initiated" start a treatment; "went" ends a condition only with "away"/"off".
# 136: h148, round 31: registry lab lines: a subgroup's ULN threshold written as a clause ("except for patients with liver metastasis, who may only be included if AST ≤5 x ULN"; "> ULN or, for cases of known Gilbert's syndrome, > 2 × ULN"), a lab "normal" / "within normal limits" is ≤ 1 x ULN (a uln and no lln), an organ-function label with a dash, a value restated in a bracket before a second limit, an upper-case AND / OR the loosest joint, list items run together on one line split before an analyte name, two genes sharing an alteration ("ALK and ROS1 rearrangements"), a formula bracket is no condition, an exception for a condition that raises the lab (terminology raises: Gilbert's syndrome, bilirubin) read whole, a score under a history cue, or in a bracket after a past condition, the team's.
# 137: h145, round 31: "antisynthetase" / "anti-synthetase" alone is the anti-synthetase syndrome; "dysphasia" is never a misspelt dysphagia; a stoma stays in place until reversed.
# 138: h146, round 31: the markers nras_mutation ("NRAS G12D", "NRAS wild-type") and pd_l1_expression ("PD-L1 TPS 80%", "PD-L1 negative"; never a bare "PD-L1") in tumour_markers.yaml; "aspergillosis", "invasive aspergillosis", "aspergillus pneumonia", "mucormycosis" are active infections (terms and kinds); "MRD 0.5%" keeps its value; a treatment "never given:" or a procedure "not performed" is denied.
# 139: h147, round 31: letters' "mNSCLC" and "mPDAC" are abbreviations of their cancers (conditions_common.yaml); a metastatic cancer in one word ("mBC", "mCRC", "mNSCLC", "mPDAC", "mCRPC", "mRCC") also gives metastatic disease on the patient's side.
# 140: h153, round 32: registry reproductive / demographic lines: a pregnancy test's result written after it ("... must be negative") is not pregnant; "on Day 1" when a test is taken is no condition; an age range with a signed upper limit ("from 2 to <12 years") and "ages 18 to 75"; "Male or non-pregnant, non-lactating females ages 18 to 75" is the states not held with the ages; a breastfeeding or pregnancy "during treatment" in an inclusion is the team's (compliance); a lower-case "more than N years" opening a line is a wrapped tail; lower-case "pregnant women" / "positive pregnancy test" items are read; "kilograms per meter square" is kg/m2; a condom is contraception; a "highly sensitive" pregnancy test "within N hours before" the first dose, a bare "WOCBP" and "prior to administration of IMP" are no conditions.
# 141: h151, round 32: clinicians' shortenings are terms ("uste", "ritux"; "bari" and "upa" small-letter abbreviations; "Ro52" anti-Ro; "NSIP" and "UIP" an ILD; "Hep B sAg" HBsAg); ConText: "X not given yet." is denied, "stopped when <the illness> found" and "(date), resolved on" are their own rules, "prior" reaches no marker, "on the ward, then" ends a treatment of the stay.
# 142: lead, round 35: a fistula concept (comorbidities.yaml: "History of abdominal fistula", "rectovaginal fistula"); "cardiac history" a term of heart disease; a ConText PSEUDO rule for a donor relative ("transplant from his sister in 2025"); an outcome after a treatment named again is that treatment's only.
# 143: h159, round 33: the dev gold's misses and wrong rules: "kidney dysfunction" a term of kidney disease; "cervical squamous cell carcinoma" a narrower kind of cervical cancer; "clinical signs of" a condition a suspicion (the team's); "There were <condition> patients" someone else's; an abbreviation that is a filler word ("(MRI)") and the imaging written out ("computed tomography", "magnetic resonance", "scan") are fillers; a name's own abbreviation unknown to the terminology before its value ("total bilirubin (TBL) ≤ 1.5 × ULN") no longer hides the value; blood-count support allowed within a time ("may receive red blood cell [RBC] transfusion within 14 days") is support allowed, never a transfusion required; "clinically active" CNS metastases are active ones (status_concepts).
# 144: h155, round 33: influenza ("flu", "influenza A") an infection (infections_extra.yaml); "flu-like" and "the flu jab" name no infection; ConText: "and previously" / ", previously" reach forward only, "since the start" is current, "and my" ends an event's clause.
# 145: h158, round 33: registry diagnosis / biomarker lines: one status word shared by two receptors ("ER- and/or PR-positive", "estrogen receptor (ER) and/or progesterone receptor (PR)-positive") is each with it (the hanging "ER-" had been ER-negative); statuses joined by "or" before one disease are that disease's (all[any[ER+, PR+], breast cancer]); either status of one marker ("HR-positive or HR-negative") is no condition; "KRAS p.G12C" is the variant G12C; "Cardiac criteria, including ..." is a summary (review); the scan, the sample ("in tumor tissue or ctDNA"), the laboratory ("(local or central)"), "confirmed through testing", "clinical trial assay" and the professional who diagnosed are no conditions; "rearrangement/fusion" is one alteration; "Histo-pathological"; a bracket repeating a word ("CD4+ T-cell (CD4+) count"); "classical HL" and "primary brain tumor" are terms.
# 146: h157, round 33: a registry group heading "at least 1 of the following" (digit) is a group of alternatives (combine any: the orforglipron obesity trial's weight-related comorbidities, baxdrostat's two subpopulations); "my blood pressure has always been normal" is no hypertension.
# 147: h160, round 34: ConText: "<test> results before <treatment>" plans the treatment; a "still pending" stops at a result said before it ("ANA positive and dsDNA still pending"); a bare "pending" hedges a disease only in its own clause; "<treatment> done," is over; "stay on <drug>?" is no doubt of the drug.
# 148: h163, round 34: registry procedure / surgery / transplant / vaccine lines: a plan said with a verb ("or planning to undergo splenectomy", "plan to have", "will undergo", "will have a hysterectomy") is the team's; "less than or equal to / no more than N days from" a window; "was completed within 7 days" a treatment's time ("completed" a filler); a window whose unit is on the next line ("... or immunotherapy within 4") and the lower-case tail of a wrapped list (", or long QT syndrome.") fragments; "stem-cell" transplant spellings and "attenuated vaccines" terms; sick_sinus_syndrome (below arrhythmia) and pacemaker (a procedure, "PPM") concepts; a person's words for an appendix or womb removed.
# 149: lead, round 37: ConText: repeated courses ('loads of times') are over whatever a bare 'been on' says; 'but not great' a failure ('... for my stomach' intolerance); 'I use X' a bare current cue; 'not beneficial', 'was unsuccessful' failures; 'not well enough really' denies nothing after it; 'got' opens a lifelong disease's onset; ECOG 'in bed all day'.
# 150: h162, round 34: the operations that remove a cancer are procedures (therapies_extra.yaml: mastectomy, wide local excision / lumpectomy / WLE, pancreaticoduodenectomy / Whipple, lung lobectomy, prostatectomy; "anterior resection" a colectomy): registry criteria naming them ("Breast conserving surgery (BCS) ... or total mastectomy", "Prior prostatectomy") now read them; ConText: "plans" + a treatment, "; for" + a treatment and "starts in two weeks" are plans.
# 151: h166, round 35: bilirubin terms in a printout's order ("Bili total", "Bilirubin total", "total bili"); ConText: "unfit / ineligible / unsuitable for" negates (was hypothetical), "considered, not started", "not pursued", "as rescue (only)", "rescue, responded", "eradicated", "stopped (date) at", ", likely / probable / possible X" (forward only), "X query (" (backward).
# 152: h165, round 35: terminology: "high bp" (hypertension), "diabetic type 1/2" (type 1/2 diabetes), "bowel resected" (bowel resection); ConText: "<list> all tried" is over, "<X> so far" / "<X> only," a bare current cue, "tmrw" / "2moro" a plan; a lower-case test name counts before its result ("ana pos").
# 153: lead, thirty-eighth session: ConText: "declined" no refusal of a LAB; "uses"/"and uses" taking now (the TERMINATE "and uses" dropped); "resolved/settled/cleared on|with" ends the episode, hides the bare "on"; "still" BACKWARD cut at a clause's end; a phase's year before its regimen ("induction 2024 with"); a list item's test word ("HIV test and hepatitis"); the thrombopoietin agonists in a family's words; "goes to school / to work" at most ECOG 2.
# 154: h168, round 35: registry cardiac / vascular lines: a blood pressure's posture ("seated") and method ("on automated office blood pressure measurement (AOBPM)", "on AOBPM") are no condition; "NYHA class III/IV" a range; "Poorly controlled hypertension" (a term of uncontrolled_hypertension) is the concept, not a judgement; a control word of one condition carried to the next of a list ("uncontrolled diabetes mellitus and hypertension") is the team's; a definition bracket may hold an abbreviation's bracket ("(ie, systolic blood pressure [BP] > 180 ...)") and be for the patients on a treatment ("... in patients on anti-hypertensive medications"); patient words "my heart pumps at 45 %", "165 over 100".
# 155: h167, round 35: a cancer named by its organ just before the histology ("RUL adenocarcinoma", "LUL squamous cell carcinoma"; lobe shorthands RUL/RML/RLL/LUL/LLL are lung sites), a site of spread in the sentence names no other organ's cancer and a spread word before the sentence is not the histology's (nlp tumour_sites: "metastatic gastric or GEJ adenocarcinoma" is a gastric cancer); terminology: "adjuvant RT", "PMRT" radiotherapy, "kidneys are at" eGFR, "heart is pumping at" LVEF.
# 156: h173, round 36: registry prior-therapy lines: terminology "T-DXd" (trastuzumab deruxtecan), "biologic DMARDs" / "conventional (synthetic) DMARDs" (the plural of a sibling kind is no csDMARD as well: nlp.criteria.atoms alternatives); "systemic concurrent anti-cancer treatment" read as "concurrent systemic ..." (time_inside_route); a window after an exception's drugs is the main fact's ("antiepileptics other than levetiracetam in the previous 6 months"); "previous or current" / "current or prior" use of a drug is any use (any_time_pair); efalizumab (Raptiva), "antibody-conjugated drugs" (ADC), electroconvulsive therapy (ECT, a procedure).
# 157: lead, thirty-ninth session: ConText: "(a treatment) next." at a clause's end plans it; "more times than I can count/remember" and "i cant count" no plan, no writer's telling; terminology: ileoanal_pouch (J-pouch, IPAA) apart from ostomy
# 158: h170, round 36: ConText: "and now only on" closes a list (an Oxford comma inside it too); a remission between a treatment and its relapse ends the relapse's reach back (REMISSION in terminated_by, cut wherever its scope lies); "did the chemo", "worked 2 yrs", "worked first time", "kept me in remission 2 years" a course over; "dint work", "but lost it" failed; a failure dated in words after "but" against the same drug taken goes on; a cancer in remission after the treatment that gave it stays current; "never got me to remission" denies the remission and fails the treatment; "scleroderma diffuse," / "ssc limited," the kind (kinds_by_words); terminology: "pltz" platelets.
# 159: h171, round 36: terminology: a glucose written without a unit read in the unit that makes it typical (bare_units mg/dL, mmol/L; "Glc 15" 15 mmol/L); ConText: "X in CR1 was not done", "planned but not funded" / "discussed - not eligible", "X: not funded / available / approved", a result ends the reach of "prophylaxis", "did not have (much in the way of) response" a failure, "who presented with <symptom>" no intolerance, ", which continues" taking now; a query answered ("Query X: CT clear") a denial.
# 160: h172, round 36: a registry exclusion of every medicine for a condition "other than stated in the inclusion criteria" is read with the inclusion criteria (registry criteria_text.with_background_drugs, nlp/criteria/background_drugs.py: NN0519 exc-1 a therapy leaf of the diabetes medicines except metformin and SGLT2 inhibitors, within 90 days); terminology: "sodium-glucose co-transporter 2 (SGLT2) inhibitor".
# 161: h179, round 37: registry pregnancy lines: the times a plan to become pregnant is counted in ("during the study or within 10 days after the final dose of giredestrant", pregnancy_plan_time) are the plan's, never a prior therapy with a window; "If female of childbearing potential," read as the "For women of childbearing potential," lead (childbearing_if_lead); a pregnancy test's window in hours after its result ("is negative (within 72 hours of the first dose ...)"); a reason at a line's end ("because of the potentially dangerous effects of the treatment on the fetus or infant") is no condition.
# 162: h176, round 37: terminology: "jak"/"jaks" a JAK inhibitor, lay colectomy words ("colon out", "colon removed"); extraction: "dex" a strong short term, ConText "have had"/"ve had" make a treatment past, counted courses ("more times than I can remember", "on and off for years", "x4 days done"), an age right after a diagnosis, organ words replacing "lung disease" beside a disease
# 163: lead, round 40: ConText "(the doctors) are saying / suggesting / talking about" a treatment hypothetical, "X was offered but she said no", "previously declined X" not had; terminology: Chinese terms of the relapsed / refractory statuses ("复发", "难治", "复发难治").
# 164: h177, round 37: ConText: "X was offered but she preferred", "offered X, chose Y", "he also declined X", "X was not carried out" not had; "planned ... declined" a refusal; the bare "prophylaxis" reaches three words and no LAB ("prophylaxis against" keeps the forward reach), "as secondary prophylaxis" past, "5-day cycles started" a start, "leukaemia-free state" a remission; terminology: "DXT", "ATRA", "gemtuzumab", "pip-taz", "GRAALL", "POMP", weight plausible_child; pattern "MRD-"; word sense "RT" (capitals, not RT-PCR) and AZA as azacitidine with a PTCL; event_words covid, influenza, cystitis, UTI.
# 165: h180, round 37: ConText: a question asking for trials for a disease ("any trials for my lupus?") does not doubt it; a denial ends "failed"'s reach ("failed MTX, never had rituximab"); "faild"; terminology: "kidney lupus", "lupus of the kidneys" lupus nephritis.
# 166: h182, round 38: ConText: "X was not an option" / "not indicated" not had (was hypothetical); "and was stopped" reaches back only; "no response / refractory after N cycles" the course's before it; terminology: score "worse" (ECOG 0-1 read 1), extramedullary disease a site of spread; time pattern "added 06/2025" a start; a caused harm with a stop, a remission now ending a relapse, a past status's bracket, a marker's sign at a line's end.
# 167: h184, round 38: registry lab / infection / age lines: an analyte's bracketed abbreviation before a slash ("Aspartate transaminase (AST)/alanine transaminase (ALT) ≤ 3 × ULN": both), two abbreviations parted by ";" ("(AST;SGOT)"), a lone letter of a list shares its fact's state ("HIV infection or active hepatitis B or C"), one measure named twice (same_measure_twice: "creatinine clearance or calculated creatinine clearance"), the consent day cut by the wrap (consent_day_cut), receptor statuses written out joined by a slash are both (marker_pair); terminology: "total white blood cell(s) count".
# 168: lead, round 41: ConText: "(nothing)", "- nothing.", "nothing either" after a treatment a failure; "but the scan last week was worse" a failure (never "but no worse"); "did not have (much in the way of) a response" a failure; "doubled / increased / reduced his X" taken now; "in the past week" a recent window; "what is CD19" a question about a word; denials written without an apostrophe ("didnt have", "hasnt had") of the past like their twins; time: a test's time is no treatment's; a mid-list bracket's date its item's only.
# 169: h181, round 38: ConText: a denial ends at a new clause ("didnt want the chemo so hes on azacitidine"), a year denied in a correction ("2021 not 2012") is no denial, "stopped," looks back only, "Nx," counted courses, "and its clear" after a test for an illness, "reacted (badly) to (it)" intolerance, ", in hospital" no earlier value, "they still think its X" hedged, a disease naming the study asked for is not hypothetical, a hedge reaches no item across a comma past its own mention; patterns: a bare age after "since" is an onset age, a number in words stands apart from its unit; "mas" and a short disease name after a duration in a disease's place; an age alone in a bracket after the diagnosis.
# 170: h185, round 38: patterns (location): a country or part of the world a trial is asked for ("any trials in Europe?", trials_in_country; data/places.yaml regions), a capitalised town ending a telling after an age and sex ("..., 36F, Shanghai").
# 171: h183, round 38: "blood pressure has never been high" no hypertension (pattern); a cancer operation said without its kind ("breast cancer surgery", "surgery for bowel cancer", "had his glioblastoma removed"; pattern cancer_operations.jsonl, terminology cancer_operation) read in records too; the condition gate flags a trial whose title joins two of its listed conditions with "and" ("With Hypertension and Obesity or Overweight": joined), a listed one denied rules it out; terminology: arthroscopic shoulder surgery and total knee arthroplasty (operations a trial's people are having).
# 172: h189, round 39: registry medication / performance lines: the examples of a negated fact are negated with it also as a "neither" list ("No active infection (including tuberculosis or HIV)": all of the nots) and after its kinds ("No active infections (bacterial, fungal or viral, including HIV)": the HIV had been a requirement); a drug also given locally without route concepts (local_form_drugs: atropine, tacrolimus, ...) said systemic or local keeps the team's check ("Systemic use of atropine"); words naming an age group beside an age limit are said by it (age_group_words: "Adolescents aged 12 to 17 years", "Children/ youth Age > 10 years"); an article before a history cue is no count ("Have a history of chronic or acute pancreatitis": chronic pancreatitis too); terminology: "active infections" (the plural read whole, as "active infection").
# 173: h190, round 39: terminology: "PMF" an abbreviation of primary myelofibrosis.
# 174: h187, round 39: tokenizer: drugs joined by "+" are words of their own ("ven+nelarabine", "aza+ven"); ConText: a start and a stop in one clause is over ("Azathioprine was started in 2019 and was discontinued"), a cycle and day ("C3D1 on 28/11/2026", "C4D1 planned", "C1 10/2026") is a course being given, an arrow after a bracketed aside reaches over it ("ibrutinib (AF) →"); "C1-C4" a range of cycles, not complement C4; a query mark glued to a word after a full stop opens its own sentence ("chemo. ?trial"); small-letter "chop", "gdp", "ice" (lymphoma) and "rf", "ccp" (autoimmune disease; never "rf ablation") read by the disease; "pmh: ... . new X" ends the history; short name "obin"; terminology: CD33 (a marker of AML blasts).
# 175: lead, round 42: an inclusion's plain diagnoses that are kinds of one disease narrower than the main kinds ("sub-types of follicular lymphoma, marginal zone lymphoma, mantle cell lymphoma and DLBCL", "CD7 positive T-ALL and AML") are alternatives (nlp/criteria/parser.py _kinds_of_one_disease); patterns (location): a town in small letters a trial is asked for ("any trials near leeds?"); patterns (pregnancy): the usual misspellings of "pregnant"; lay_diagnoses: a blood cancer in the spinal fluid said in lay words is CNS involvement; ConText: ", otherwise his ITP" ends a past event's scope, "i dont think its working" / "doesnt seem to help" no response.
# 176: h186, round 39: ConText: "sorry i meant X" names X (no longer a taken-back word; "sorry i wrote X" still is), "never did anything", "only lasted 6 months", "worked till last summer" failures; "didnt get me back into remission", "failed to induce remission" (status_not_reached); extraction.yaml: "X next" ending a text planned, "didnt either" / "also didnt" the same outcome; list outcomes: a part of a list named by its place ("the rest didnt either"), flares counted on a treatment, a list's drug named again with its outcome, a year or a treatment corrected in the same text.
# 177: h188, round 39: criteria cues (episode_of_condition): a window beside an episode of a condition ("severe asthma exacerbation within 1 year", "exacerbations of COPD in the past 12 months") dates the episode, not the disease: the condition without the window, the episode the team's.
# 178: h192, round 40: terminology: systemic mastocytosis, the JAK2 mutation ("JAK2 inhibitor" the JAK inhibitor class), chemoimmunotherapy a chemotherapy; abbreviations: "on HD" haemodialysis (never "HD MTX"); lay_diagnoses: "no leukaemia cells in the spinal fluid" one CNS mention, no leukaemia denied; time: "Dx in 03" a two-digit diagnosis year; ConText: "now off X" over, leg/skin ulcers a stop's harm; extraction.yaml: a disease status "refractory to X and Y in 2025" of then (refractory_to), an organ failure on dialysis goes on (kept_on_treatment), a dated item under "Complications:" an episode of then (episode_headings), a history item whose bracket says it goes on (bracket_now_words), a drug-caused bare "hepatitis" no viral hepatitis (drug_caused_not_infection); a failure of a counted course is over though the drug is taken again.
# 179: h195, round 40: patterns (location): a country said last, as its own sentence or after a comma ("... dara. uk", "..., germany"); terminology: dimethyl fumarate (tecfidera), diroximel fumarate (vumerity).
# 180: h191, round 40: ConText: a disease worse "on both" / "on all of them" fails every treatment of the list before, "then" too; "but hes flaring again" fails the treatments joined by "and" before it, taken now; a bare "not doing much" / "not helping" right after a treatment; "weaned"/"tapered" with a time and no "off" is over; "the doctor talks about X" considered; a stop or outcome after a list closed by "and" and a comma is its own treatment's ("ivig and hcq, pred stopped in june"); a course's route, dose or length before "then" keeps the sequence ("cytoxan IV then MMF now"); "dx in 03 when i was 19" the onset; "had a flare" its own object; a treatment taken back for another ("no wait it was belimumab") not had.
# 181: lead, round 43: an inclusion's choice of cohorts for the trial's own conditions marks the diagnosis leaves that pick a cohort (``cohort``): a patient who told their diagnosis is not asked about, nor kept open by, a cohort for another of the trial's diseases (NCT05239702's Crohn's cohort failed, its dermatomyositis, Still's and RA cohorts had kept it "may qualify"). Also patterns (location): a capitalised town alone before its country's comma is kept with it ("Dublin, Ireland"); lay_diagnoses: leukaemia cells in the spinal fluid are one CNS mention only after a denial.
# 182: h194, round 40: criteria cues: a lone lower-case word closed by a full stop ("cetuximab.") is a wrapped sentence's end; a compared value before a score's name ("Less than 30 Karnofsky score"); terminology: the Lansky play-performance scale (a score; Karnofsky and Lansky on one line stay the team's); an exemption bracket closing a list ("cirrhosis, chronic liver disease (unless considered stable ...)") keeps the team's check on every item (cues list_exemption).
# 183: h193, round 40: terminology `lasting` (a chronic disease told with the date it began is present in any window: "asthma since 2005" is asthma in the 10 years up to Visit 1); ConText: "a 5-year history of X" ongoing, "but it's fine with an inhaler" controlled, not denied; lay diagnoses: dizziness for 3+ months is chronic dizziness, breathlessness/tiredness since COVID is the post-COVID condition; CSD synonyms; a bracketed restatement inside a term ("keyhole (arthroscopic) shoulder surgery").
# 184: h199, round 41: terminology: "uncompensated" / "decompensated" diabetes (mellitus) is uncontrolled_diabetes; "schizoaffective disorders" (plural) a term of schizophrenia; criteria bench: a gold line whose meaning depends on a heading or a wrapped line above it (window, qualifier, absence, "and", a phrase cut) is the team's (registry.criteria_text.headings_bear_on).
# 185: lead, round 44: terminology `members` of a panel (one test of the myositis-specific or systemic-sclerosis antibodies): a member's negative ("MDA5 negative") leaves the panel open; the cohort decision of 181 back (a cohort for another of the trial's diseases is not the patient's).
# 186: h197, round 41: ConText: "had a trial of X" a course over, "referred for a trial of X" sought; "X given today/this morning/yesterday" and "given on C1D1" taken now; "day 14 of cycle 1 X" taken now; "lost spleen response" / "lost transfusion independence" failed; "X before that." over; "Plan: taper pred" taken now; "PNH clone not detected" denied; an open date range after a dose taken now; "post-PV myelofibrosis" / "myelofibrosis (post-ET" the earlier cancer over (precursor_prefixes); terminology: del(17p) is tp53; word senses: HU, PV, ET (capitals, with an MPN) and elt (with ITP or aplastic anaemia).
# 187: h196, round 41: ConText: "and its fine / and it was fine" deny only what a test cue looked for ("she has lupus and its fine" keeps the lupus); "but (she is) still on it" after a dated course keeps it taken; a stop for a harm ("hcq, mmf stopped because of the diarrhoea") and the harm are the last item's of a comma list; "because it upset her stomach" after a stop; a going-on word before a comma ("mesalazine forever, aza gave me pancreatitis") and a dose in a comma list keep the earlier items taken; one treatment of a list named again with its outcome ("pred, ivig and rituximab, the rituximab didnt work") fails alone, the list before it given; ", skin kept getting worse so X" fails the treatment before; "in may" the month is no hedge of a disease status; a treatment with its own going-on word before a comma ("ivig monthly, mtx then mmf, neither helped") is its own clause; "the X" named again with no cue keeps the outcome told of X; a small-letter disease abbreviation opening a message before a comma and the age ("uc, 41 m") is the disease; a bare age after a pregnancy said or denied ("not pregnant, 33").
# 188: h200, round 41: patterns: age, sex, place in a terse message ("lupus 35 f uk.", "ssc 39 f shenyang", "21 m, manchester uk"); "MM" right after an age and sex or before a transplant is myeloma.
PLAN_VERSION = "188"


def flatten(record: dict) -> tuple[list[str], dict[str, dict]]:
    """(top-level criterion hashes in order, every node by hash) for a record."""
    nodes: dict[str, dict] = {}
    tops = [_criterion(c, c.get("kind") or "inclusion", nodes) for c in registry_criteria(record)]
    return tops, nodes


def plan_row(record: dict) -> tuple[str, str, list[tuple[str, str]]]:
    """What the store keeps for a record: (plan JSON, condition list JSON, node rows). The
    conditions are the trial's own (``own_conditions``: the title's kind and population
    too), as its gate reads them, less a listed condition the title narrows to a subtype
    (``ranked_conditions``): what the ranking's condition fit reads."""
    texts: dict[str, str] = {}
    nodes: dict[str, dict] = {}
    tops = [_criterion(c, c.get("kind") or "inclusion", nodes, texts) for c in registry_criteria(record)]
    return (json.dumps(tops, separators=_SEPARATORS), json.dumps(ranked_conditions(record), separators=_SEPARATORS),
            list(texts.items()))


def registry_criteria(record: dict) -> list[dict]:
    """The record's criteria, plus age/sex limits from the registry fields (``elig-age``,
    ``elig-sex``) when no criterion states them already, so they are never dropped."""
    criteria = list(record.get("criteria") or [])
    limits = record.get("eligibility") or {}
    types = stated_types(criteria)
    criteria = as_planned(criteria)
    low, high = limits.get("min_age_years"), limits.get("max_age_years")
    if (low is not None or high is not None) and "age" not in types:
        rule: dict[str, Any] = {"type": "age"}
        if low is not None:
            rule["min"] = low
        if high is not None:
            rule["max"] = high
        span = f"{low:g} to {high:g} years" if low is not None and high is not None else (
            f"{low:g} years or older" if low is not None else f"{high:g} years or younger")
        criteria.append({"id": "elig-age", "kind": "inclusion", "rule": rule,
                         "text": f"Age {span} (registry eligibility limits)"})
    sex = (limits.get("sex") or "ALL").upper()
    if sex in ("FEMALE", "MALE") and "sex" not in types:
        criteria.append({"id": "elig-sex", "kind": "inclusion", "rule": {"type": "sex", "allowed": [sex.lower()]},
                         "text": f"Sex: {sex.lower()} only (registry eligibility limits)"})
    criteria = _contradictory_ages(criteria)
    own = own_conditions(record)
    if own:
        criteria = [_besides_own(c, own, c.get("kind") or "inclusion") for c in criteria]
        criteria = [_cohorts_marked(c, own) if (c.get("kind") or "inclusion") == "inclusion" else c
                    for c in criteria]
    if healthy_only(record):
        title = record.get("title") or ""
        criteria.append({"id": "elig-healthy", "kind": "inclusion", "rule": {"type": "healthy_volunteers"},
                         "text": f"A study in healthy volunteers only (the registry's title: {title})"})
    target = condition_target(record, own)
    if target is not None:
        criteria.append(target)
    return criteria


# "... in Patients With Hepatic Impairment and Healthy Subjects", "Healthy Volunteers vs
# Patients": a title naming healthy people beside others is no study in healthy people only
_BESIDE = re.compile(r"\b(?:and|or|vs|versus|compared|plus)\W+(?:\w+\W+){0,2}$|^\W*(?:\w+\W+){0,2}?"
                     r"(?:and|or|vs|versus|compared|plus)\b", re.IGNORECASE)


def healthy_only(record: dict) -> bool:
    """The study is done in healthy people only: the registry says it takes healthy
    volunteers, and its brief title says the people are healthy ("... in Adult Healthy
    Subjects"; ``healthy_volunteer_names``, data/evidence.yaml) with no other group beside
    them ("Patients ... and Healthy Subjects"), or every registry condition names healthy
    people ("Healthy", "Healthy Volunteers"). A patient study with healthy controls (the flag
    set, its own conditions listed) is not one."""
    from data.condition_names import healthy_volunteer_names  # start-up: names only when planning

    if (record.get("eligibility") or {}).get("healthy_volunteers") is not True:
        return False
    names = [str(n).strip().lower() for n in record.get("conditions_text") or [] if str(n).strip()]
    if names and all(n.startswith("healthy") for n in names):
        return True
    title = record.get("title")
    if not isinstance(title, str):
        return False
    for phrase in healthy_volunteer_names():
        for found in _whole_phrase(phrase).finditer(title):
            if not (_BESIDE.search(title[:found.start()]) or _BESIDE.search(title[found.end():])):
                return True
    return False


CONDITION_LEAVES = ("diagnosis", "history")     # leaf types that name a condition


def _besides_own(criterion: dict, own: list[str], kind: str) -> dict:
    """A criterion whose condition leaves speak *against* the patient (an exclusion, or a
    "no ..." inclusion) marked with the trial's own conditions (``besides``): in a trial for
    breast cancer, "metastatic breast cancer", "any other malignancy" or "stage IV disease"
    is about a form of the disease every patient of the trial has, and the patient's stated
    diagnosis of it neither excludes nor clears them (``matching.leaves`` leaves it to the
    trial team). Rules are copied, never changed in place."""
    kind = criterion.get("kind") or kind
    if criterion.get("children"):
        return {**criterion, "children": [_besides_own(c, own, kind) for c in criterion["children"]]}
    rule = criterion.get("rule")
    if rule is None:
        return criterion
    marked = _mark(rule, own, kind == "exclusion")
    return criterion if marked is rule else {**criterion, "rule": marked}


def _mark(rule: dict, own: list[str], against: bool) -> dict:
    if "all" in rule or "any" in rule:
        op = "all" if "all" in rule else "any"
        parts = [_mark(sub, own, against) for sub in rule[op]]
        return rule if all(a is b for a, b in zip(parts, rule[op])) else {**rule, op: parts}
    if "not" in rule:
        inner = _mark(rule["not"], own, not against)
        return rule if inner is rule["not"] else {**rule, "not": inner}
    if against and rule.get("type") in CONDITION_LEAVES and "besides" not in rule:
        # only a leaf naming the trial's disease or a broader one: the mark makes a leaf of
        # its own per list of conditions, and thousands of trials share unmarked leaves
        terminology = load_terminology()
        named = rule.get("concept")
        targets = [c for c in own if named and (c == named or terminology.is_a(c, named))]
        if targets:
            return {**rule, "besides": targets}
    return rule


def _cohorts_marked(criterion: dict, own: list[str]) -> dict:
    """An inclusion's choice of cohorts, each for one of the trial's own conditions ("refractory
    Crohn's disease ...", "refractory dermatomyositis ...", "adult Still's disease ...": any one
    of them), with the diagnosis leaves that pick a cohort marked ``cohort`` (the conditions of
    all the cohorts of the choice): for a patient whose diagnosis picks one cohort, a cohort for
    another of the trial's diseases is not theirs, as the gate reads a whole trial for another
    disease (``matching.cohorts.another_cohort``). A
    diagnosis asked for beside another ("SLE and antiphospholipid syndrome") is no choice and
    stays unmarked. Rules are copied, never changed in place."""
    terminology = load_terminology()

    def owned(concept: Any) -> bool:
        return isinstance(concept, str) and concept in terminology and any(
            concept == o or (o in terminology and terminology.is_a(concept, o)) for o in own)

    def named(rule: Any) -> set[str]:
        """The trial's own conditions a rule requires (leaves not under a "not")."""
        if not isinstance(rule, dict) or "not" in rule:
            return set()
        for op in ("all", "any"):
            if op in rule:
                return set().union(*(named(sub) for sub in rule[op]))
        return {rule["concept"]} if rule.get("type") in CONDITION_LEAVES and owned(rule.get("concept")) else set()

    def requires(node: dict) -> set[str]:
        if node.get("children"):
            return set().union(*(requires(c) for c in node["children"]))
        return named(node.get("rule"))

    def mark_rule(rule: Any, cohorts: list[str]) -> Any:
        if not isinstance(rule, dict) or "not" in rule:
            return rule
        for op in ("all", "any"):
            if op in rule:
                parts = [mark_rule(sub, cohorts) for sub in rule[op]]
                return rule if all(a is b for a, b in zip(parts, rule[op])) else {**rule, op: parts}
        if rule.get("type") in CONDITION_LEAVES and owned(rule.get("concept")) and "cohort" not in rule:
            return {**rule, "cohort": cohorts}
        return rule

    def mark(node: dict, cohorts: list[str]) -> dict:
        if node.get("children"):
            children = [mark(c, cohorts) for c in node["children"]]
            return node if all(a is b for a, b in zip(children, node["children"])) else {**node, "children": children}
        rule = node.get("rule")
        marked = mark_rule(rule, cohorts)
        return node if marked is rule else {**node, "rule": marked}

    def choice(alternatives: list[set[str]]) -> list[str]:
        """The cohorts' conditions when the alternatives are a choice of cohorts, else []."""
        named_ones = [a for a in alternatives if a]
        if len(named_ones) < 2 or len({frozenset(a) for a in named_ones}) < 2:
            return []
        return sorted(set().union(*named_ones))

    def walk_rule(rule: Any) -> Any:
        if not isinstance(rule, dict) or "not" in rule:
            return rule
        cohorts = choice([named(sub) for sub in rule["any"]]) if "any" in rule else []
        if cohorts:
            return mark_rule(rule, cohorts)
        for op in ("all", "any"):
            if op in rule:
                parts = [walk_rule(sub) for sub in rule[op]]
                return rule if all(a is b for a, b in zip(parts, rule[op])) else {**rule, op: parts}
        return rule

    def walk(node: dict) -> dict:
        if (node.get("kind") or "inclusion") != "inclusion":
            return node
        children = node.get("children")
        if children:
            cohorts = choice([requires(c) for c in children]) if node.get("combine") == "any" else []
            if cohorts:
                return mark(node, cohorts)
            walked = [walk(c) for c in children]
            return node if all(a is b for a, b in zip(walked, children)) else {**node, "children": walked}
        rule = node.get("rule")
        walked_rule = walk_rule(rule)
        return node if walked_rule is rule else {**node, "rule": walked_rule}

    return walk(criterion)


def as_planned(criteria: list[dict]) -> list[dict]:
    """The record's own criteria as matching reads them (``registry_criteria``; the pruning
    limits, ``data.limits``, read the same): risk strata in a row are one "any" group
    (``_wrap_strata``), and the age bounds of one criterion that split patients into groups
    are for the trial team (``_split_ages``). Records are copied, never changed in place."""
    return _wrap_strata([_split_ages_of(c) for c in criteria])


def _split_ages_of(criterion: dict) -> dict:
    if criterion.get("children"):
        children = [_split_ages_of(c) for c in criterion["children"]]
        return criterion if all(a is b for a, b in zip(children, criterion["children"])) else {
            **criterion, "children": children}
    rule = criterion.get("rule")
    split = _split_ages(rule) if isinstance(rule, dict) else rule
    return criterion if split is rule else {**criterion, "rule": split}


def _split_ages(rule: dict) -> dict:
    """An ``all`` whose age leaves admit no age, or one only ("use Karnofsky for patients
    > 16 years of age and Lansky for patients <= 16": age >= 16 and age <= 16), names the
    groups a rule applies to, not a requirement: those leaves become one review leaf."""
    if "not" in rule:
        inner = _split_ages(rule["not"])
        return rule if inner is rule["not"] else {**rule, "not": inner}
    op = "all" if "all" in rule else "any" if "any" in rule else None
    if op is None:
        return rule
    parts = [_split_ages(sub) for sub in rule[op]]
    ages = [p for p in parts if p.get("type") == "age"]
    if op == "all" and len(ages) >= 2:
        lows = [p["min"] for p in ages if isinstance(p.get("min"), (int, float))]
        highs = [p["max"] for p in ages if isinstance(p.get("max"), (int, float))]
        if lows and highs and max(lows) >= min(highs):
            kept = [p for p in parts if p.get("type") != "age"]
            parts = [*kept, {"type": "review", "reason": "other",
                             "note": "age limits of different groups of patients: for the trial team"}]
    return rule if all(a is b for a, b in zip(parts, rule[op])) and len(parts) == len(rule[op]) else {**rule, op: parts}


def _wrap_strata(criteria: list[dict]) -> list[dict]:
    """Two or more top-level inclusion criteria in a row that each name a risk stratum
    (``stratum_label`` in data/evidence.yaml: "Low risk stage I non-seminoma ...",
    "Standard risk 2 (SR2)") are alternatives: one "any" group naming the strata."""
    from data.condition_names import stratum_label  # start-up: patterns only when planning

    label = stratum_label()
    out: list[dict] = []
    i = 0
    while i < len(criteria):
        run = []
        while i + len(run) < len(criteria) and _is_stratum(criteria[i + len(run)], label):
            run.append(criteria[i + len(run)])
        if len(run) < 2:
            out.append(criteria[i])
            i += 1
            continue
        names = "; ".join(re.split(r"[;:(]", str(c.get("text")), maxsplit=1)[0].strip() for c in run)
        out.append({"id": f"{run[0].get('id', 'inc')}-strata", "kind": "inclusion", "combine": "any",
                    "text": f"One of these strata: {names}", "verbatim": False, "children": run})
        i += len(run)
    return out


def _is_stratum(criterion: dict, label: Any) -> bool:
    """A top-level inclusion criterion naming a stratum, unless its rule is only an age or a
    sex ("Standard risk 1: < 11 years": a limit of that stratum, not the stratum; when
    another stratum's contradicts it, ``_contradictory_ages`` leaves both to the team)."""
    text = criterion.get("text")
    rule = criterion.get("rule") or {}
    return ((criterion.get("kind") or "inclusion") == "inclusion" and isinstance(text, str)
            and label.search(text) is not None and rule.get("type") not in ("age", "sex"))


def _contradictory_ages(criteria: list[dict]) -> list[dict]:
    """Top-level inclusion criteria that each require an age, when no age meets them all
    ("Standard risk 1: < 11 years" and "Standard risk 2: >= 11 and < 25 years", cohorts the
    importer read as requirements for everyone): no patient could pass, so they are for the
    trial team, never a rule-out (data.limits leaves them out of pruning the same way)."""
    ages = [i for i, c in enumerate(criteria) if (c.get("kind") or "inclusion") == "inclusion"
            and not c.get("children") and (c.get("rule") or {}).get("type") == "age"]
    if len(ages) < 2:
        return criteria
    lows = [criteria[i]["rule"].get("min") for i in ages]
    highs = [criteria[i]["rule"].get("max") for i in ages]
    low = max((v for v in lows if isinstance(v, (int, float))), default=None)
    high = min((v for v in highs if isinstance(v, (int, float))), default=None)
    if low is None or high is None or low <= high:
        return criteria
    out = list(criteria)
    for i in ages:
        out[i] = {**criteria[i], "rule": {"type": "review", "reason": "other"},
                  "note": "its age limits contradict another age criterion of the trial (cohorts?): for the trial team"}
    return out


def own_conditions(record: dict) -> list[str]:
    """The concepts a trial is for: its listed conditions, the kind its title names
    above a single one (``title_kinds``), the population its title names
    (``title_population``) and the cohorts its inclusion criteria set out
    (``cohort_conditions``)."""
    joined = set(title_conjoined(record))
    listed = [c for c in record.get("conditions") or [] if c not in joined]
    named = [c for c in (*title_population(record), *cohort_conditions(record))
             if c not in joined and _another_kind(c, listed)]
    return list(dict.fromkeys([*listed, *title_kinds(record), *named]))


def ranked_conditions(record: dict) -> list[str]:
    """The conditions the ranking's condition fit reads: ``own_conditions`` without a listed
    condition whose subtype, also listed, the title names instead of it ("Radiation Dose
    Optimization in Diffuse Large B-Cell Lymphoma", listed for non-Hodgkin lymphoma and,
    from its MeSH terms, DLBCL): the trial is for the subtype, so a T-lymphoblastic lymphoma
    patient's fit is not a full one. Never a top class (``kind_splits``: the baskets' "solid
    tumours"), never a condition the title names too, in words or by its abbreviation
    ("... Systemic Sclerosis (SSc) or SSc-associated ..."), and never in a trial listing other
    diseases besides (a basket "Including a Cohort Expansion in Esophageal Cancer" that lists
    gastro-oesophageal cancer for gastric cancer too). The gate reads ``own_conditions``
    as before: this orders the list, it rules nothing out."""
    from data.condition_names import concepts_within, kind_splits  # start-up: names only when planning

    listed = own_conditions(record)
    titles = [t for t in (record.get("title"), record.get("official_title")) if isinstance(t, str) and t]
    if len(listed) < 2 or not titles:
        return listed
    terminology = load_terminology()
    named = {c for t in titles for c in concepts_within(t)}
    tops = set(kind_splits()) | {b for branches in kind_splits().values() for b in branches}

    def narrowed(concept: str) -> bool:
        if concept in tops or concept in named or concept not in terminology:
            return False
        if any(_abbreviation(a).search(t) for a in terminology[concept].abbreviations for t in titles):
            return False
        if not all(other in terminology and terminology.is_a(other, concept) for other in listed):
            return False        # a basket listing other diseases too: the title names one cohort
        return any(other != concept and other in named and terminology.is_a(other, concept) for other in listed)

    return [c for c in listed if not narrowed(c)]


def _another_kind(concept: str, listed: list[str]) -> bool:
    """A condition a title or an inclusion heading names adds to the trial's list only when
    it is of another kind than every listed condition (no ancestor in common: obesity beside
    heart and kidney disease, Parkinson's beside dementia). One of the same kind (lupus in
    the title of a trial listing another autoimmune disease) is a sibling the registry's
    list chose between: the list stands."""
    terminology = load_terminology()
    if concept not in terminology:
        return False
    above = terminology.ancestors(concept)
    return not any(other in terminology and above & terminology.ancestors(other) for other in listed)


# "Patients with Bipolar Disorder (BD):", "Parkinson's Disease": an inclusion heading over
# its own criteria that names a condition is a cohort the trial enrols
_COHORT_PREFIX = re.compile(r"^(?:for\s+)?(?:adult\s+|paediatric\s+|pediatric\s+)?(?:patients|participants|subjects|people)"
                            r"\s+with\s+", re.IGNORECASE)


def cohort_conditions(record: dict) -> list[str]:
    """The conditions of the cohorts a trial's inclusion criteria set out: a group of
    inclusion criteria headed by a condition's name alone ("Parkinson's Disease", then its
    own criteria, in a biomarker study whose registry conditions say only "Dementia"). The
    registry's list left the cohort out; a patient with its condition is the trial's."""
    from data.condition_names import condition_concept  # start-up: names only when planning

    found: list[str] = []
    for criterion in walk_criteria(record.get("criteria") or []):
        if (criterion.get("kind") or "inclusion") != "inclusion" or not criterion.get("children"):
            continue
        text = criterion.get("text")
        name = _COHORT_PREFIX.sub("", text.strip().rstrip(":;").strip()) if isinstance(text, str) else ""
        concept = condition_concept(name) if 0 < len(name) <= 80 else None
        if concept is not None and concept not in found:
            found.append(concept)
    return found


# "... in Adults Living With Obesity", "... in Participants With CKD and High Blood Pressure":
# what follows says whom the trial enrols
_POPULATION = re.compile(r"\b(?:participants|patients|adults|people|persons|subjects|individuals|women|men|children|"
                         r"adolescents)\s+(?:living\s+)?with\s+(.+)$", re.IGNORECASE)


# "... in Advanced Cancer Patients", "... for Breast Cancer Survivors": the population written
# before its people
_POPULATION_BEFORE = re.compile(r"\b(?:in|for|among)\s+((?:[\w'/-]+\s+){1,4}?)(?:patients|participants|subjects|"
                                r"survivors|cases)\b", re.IGNORECASE)


def title_population(record: dict) -> list[str]:
    """The conditions the brief title names as the people it enrols ("The Effect of
    Retatrutide ... in Adults Living With Obesity", listed for cardiovascular and kidney
    disease; "... in HER2-negative Metastatic Breast Cancer Patients With Germline BRCA
    Mutation", the population written before its people): the registry's list left them out, and a patient with one of them is the
    trial's. Never a top class (``kind_splits``: "Advanced Cancers" says no more than the
    list) and never a class above a listed condition ("Autoimmune Disease" above lupus:
    the list is the trial's scope)."""
    from data.condition_names import concepts_within, kind_splits  # start-up: names only when planning

    title = record.get("title")
    if not isinstance(title, str):
        return []
    found = _POPULATION.search(title)
    # "... in Adult Healthy Subjects": healthy people are the study's own criterion (elig-healthy)
    before = None if healthy_only(record) else _POPULATION_BEFORE.search(title)
    if found is None and before is None:
        return []
    terminology = load_terminology()
    listed = [c for c in record.get("conditions") or [] if c in terminology]
    tops = kind_splits()
    named = [*(concepts_within(found.group(1)) if found else ()), *(concepts_within(before.group(1)) if before else ())]
    return list(dict.fromkeys(c for c in named if c in terminology and c not in tops and c not in listed
                              and not any(terminology.is_a(other, c) for other in listed)))


# "MDS and Anemia", "MDS & Anaemia", "MDS, and Anemia": a population's conjunction
_AND = re.compile(r"\s*(?:,\s*)?(?:\band\b|&)\s*", re.IGNORECASE)


def title_conjoined(record: dict) -> list[str]:
    """The conditions a title's population joins by "and" to one of the trial's own ("...
    in Participants With Myelodysplastic Syndrome (MDS) and Anemia Not Receiving Blood
    Transfusions") when only the registry's index (MeSH "Anemia") lists them: the
    conjunction narrows, the trial wants both, so the joined one is no condition of its own
    (an anaemia alone is no reason the MDS trial is the patient's; a patient with MDS still
    fits it). A condition the trial's own condition list names ("Obesity or Overweight and
    Type 2 Diabetes" listing all three) stays: the sponsor listed it."""
    from data.condition_names import concepts_within, condition_concepts  # start-up: names only when planning

    title = record.get("title")
    found = _POPULATION.search(title) if isinstance(title, str) else None
    if found is None:
        return []
    texts = [t for t in record.get("conditions_text") or [] if isinstance(t, str) and t.strip()]
    own = set(condition_concepts(texts)) | {c for t in texts for c in concepts_within(t)}
    listed = [c for c in record.get("conditions") or [] if c not in own]
    if not own or not listed:
        return []
    parts = [set(concepts_within(part)) for part in _AND.split(found.group(1)) if part.strip()]
    if len(parts) < 2:
        return []
    joined = []
    for i, part in enumerate(parts):
        if not any(other & own for j, other in enumerate(parts) if j != i):
            continue        # joined to nothing of the trial's own
        joined += [c for c in listed if c in part and c not in joined]
    return joined


# what follows an at-risk phrase up to a clause's end: "... At High Risk For Systemic Fungal
# Infection", "... Prostate Cancer In Men Who ...", "Prevent Preeclampsia at Term"
_RISK_END = re.compile(r"[.,;:()\[\]|]|\s(?:in|with|among|by|using|after|during|before|who|that|which|through|via|"
                       r"versus|vs|compared|at|from|on|for)\s", re.IGNORECASE)
_RISK_WORD = re.compile(r"[^\W_]+")


def _stems(text: str) -> set[str]:
    return {w[:-1] if len(w) > 4 and w.endswith("s") else w for w in (m.lower() for m in _RISK_WORD.findall(text))
            if len(w) >= 4}


def at_risk_of(record: dict) -> list[str]:
    """The listed conditions a trial's people are at risk of, or that it prevents, rather
    than have: its title, official title, keywords or brief summary say so
    (``at_risk_words``, data/evidence.yaml: "... Children ... Who Are At High Risk For
    Systemic Fungal Infection", filed under Candidiasis and the index term "Infections";
    "To Reduce The Incidence Of Prostate Cancer In Men Who Are At Increased Risk"; "Prevent
    Preeclampsia"; "Women at Risk of Developing Breast Cancer"; "caregivers of") and the
    words after the phrase name the condition (its concept, a broader or a narrower one, or
    every word of one of its registry names). Never when those words say the people have it
    already (``at_risk_not_after``: "prevent the worsening of kidney function"). The words
    as the record says them ("Systemic Fungal Infection"); empty for a trial for people with
    its conditions."""
    from data.condition_names import at_risk_before, at_risk_words, concepts_within  # start-up: names only when planning

    pattern, not_after = at_risk_words()
    before = at_risk_before()
    terminology = load_terminology()
    listed = [c for c in record.get("conditions") or [] if c in terminology]
    names = [t for t in (*(record.get("conditions_text") or []), *(record.get("condition_terms") or []))
             if isinstance(t, str) and t.strip()]
    sources = [record.get("title"), record.get("official_title"), *(record.get("keywords") or []), record.get("summary")]
    found: list[str] = []
    for source in sources:
        if not isinstance(source, str):
            continue
        spans = []
        for phrase in pattern.finditer(source):
            rest = source[phrase.end():phrase.end() + 120]
            end = _RISK_END.search(rest)
            words = (rest[:end.start()] if end else rest).split()[:8]
            if not words:
                continue
            first = words[1] if words[0].lower() in ("the", "a", "an") and len(words) > 1 else words[0]
            if first.lower().strip(".,;:") not in not_after:
                spans.append((" ".join(words), None))
        for word in before.finditer(source):       # "HBV Vaccinations": the condition comes first
            spans.append((" ".join(source[max(0, word.start() - 60):word.start()].split()[-5:]), word.group(0)))
        for span, after in spans:
            concepts = [c for c in concepts_within(span) if c in terminology]
            stems = _stems(span)
            hits = [c for c in listed if (any(c == x or terminology.is_a(c, x) or terminology.is_a(x, c) for x in concepts)
                                          or _abbreviated(c, span, terminology))
                    and not _complication_of(c, names, stems, not_after)]
            named = [t for t in names if _stems(t) and _stems(t) <= stems]
            if not (hits or named):
                continue
            # the words before a vaccination are a clause's tail ("to Increase HBV"): the
            # condition's own name is said instead
            shown = (f"{(named or [_label(c) for c in hits])[0]} ({after.lower()})" if after
                     else span.strip(".,;: "))
            if shown.lower() not in (f.lower() for f in found):
                found.append(shown)
    return found


def family_study(record: dict) -> bool:
    """Whether a record's title, official title or brief summary says its study is about
    people's family history (``family_study_words``, data/evidence.yaml: "Web-based Family
    History Tool"). Never guessed from the conditions."""
    from data.condition_names import family_study_words  # start-up: names only when planning

    pattern = family_study_words()
    return any(isinstance(t, str) and pattern.search(t)
               for t in (record.get("title"), record.get("official_title"), record.get("summary")))


def care_population(record: dict) -> list[str]:
    """The registry condition names of a trial that enrols people by what is done to them,
    not by a disease: every name it lists says a procedure, pain relief or ageing
    (``care_conditions``, data/evidence.yaml: "Analgesia" for a nerve-block study in
    shoulder surgery, "Arthroplasty, Replacement, Knee") and the terminology reads no disease
    in its list. Empty for every other trial."""
    from data.condition_names import care_conditions  # start-up: names only when planning

    if record.get("conditions"):
        return []
    names = [t for t in record.get("conditions_text") or [] if isinstance(t, str) and t.strip()]
    words = care_conditions()
    return names if names and all(words.search(t) for t in names) else []


def receiving_population(record: dict) -> list[str]:
    """How a trial's title names its people by what they receive, when it names no disease
    for them (``receiving_words`` after ``receiving_people``, data/evidence.yaml): "...
    Chemotherapy-induced Vomiting in Children Receiving Highly Emetogenic Chemotherapy", a
    supportive-care trial filed under "Hematopoietic System--Cancer": a child with a
    neuroblastoma on such chemotherapy is one of its people. Never when the people's words
    name a disease ("in Breast Cancer Patients Receiving Outpatient Chemotherapy") or a
    disease follows ("Subjects Undergoing Aromatase Inhibitor Therapy for Non-metastatic
    Breast Cancer"): those are for the disease. Empty for every other trial."""
    from data.condition_names import concepts_within, receiving_words  # start-up: names only when planning

    if not record.get("conditions") and not record.get("conditions_text"):
        return []
    receiving, people = receiving_words()
    found: list[str] = []
    for title in (record.get("title"), record.get("official_title")):
        if not isinstance(title, str):
            continue
        for match in receiving.finditer(title):
            before = title[:match.start()].split()
            if not before or not people.fullmatch(before[-1].strip(".,;:()")):
                continue
            population = re.split(r"\s(?:in|of|for|among|with|to)\s", " " + " ".join(before), flags=re.IGNORECASE)[-1]
            rest = title[match.end():]
            if concepts_within(population) or concepts_within(rest):
                continue
            end = _RISK_END.search(rest + " ")
            shown = f"{before[-1]} {match.group(0)} {(rest[:end.start()] if end else rest).strip(' .,;:')}".strip()
            if shown.lower() not in (f.lower() for f in found):
                found.append(shown)
    return found


def _abbreviated(concept: str, span: str, terminology) -> bool:
    """The span names the concept by its abbreviation ("Increase HBV")."""
    return any(_abbreviation(a).search(span) for a in terminology[concept].abbreviations)


@lru_cache(maxsize=256)
def _whole_phrase(phrase: str) -> "re.Pattern[str]":
    """A phrase as whole words, any case, compiled once."""
    return re.compile(rf"(?<!\w){re.escape(phrase)}(?!\w)", re.IGNORECASE)


@lru_cache(maxsize=4096)
def _abbreviation(abbreviation: str) -> "re.Pattern[str]":
    """An abbreviation as a whole word, compiled once (built as a new pattern text on every
    call before, it was compiled again whenever Python's own cache of 512 patterns had let
    it go: ~0.2 ms a look-up in a turn showing results)."""
    return re.compile(rf"(?<![\w-]){re.escape(abbreviation)}(?![\w-])")


def _complication_of(concept: str, names: list[str], stems: set[str], not_after: frozenset[str]) -> bool:
    """The registry names the listed condition with a complication word the at-risk words
    lack ("Primary Prophylaxis of Gastric Varices", listed as "Gastric Varices Bleeding"):
    the people have the condition and are at risk of its complication."""
    from data.condition_names import concepts_within  # start-up: names only when planning

    return any(concept in concepts_within(t) and any(w in not_after and w not in stems for w in _stems(t))
               for t in names)


def condition_target(record: dict, own: list[str] | None = None) -> dict | None:
    """The trial's own conditions as a criterion (``elig-condition``): a trial is for a
    patient only when its conditions meet the patient's. None when the record lists none.
    ``own``: ``own_conditions(record)`` when the caller has it already."""
    from data.condition_names import concepts_within, condition_concept  # start-up: names only when planning

    concepts = list(own) if own is not None else own_conditions(record)
    own = [t for t in record.get("conditions_text") or [] if isinstance(t, str) and t.strip()]
    indexed = [t for t in record.get("condition_terms") or [] if isinstance(t, str) and t.strip()]
    # a registry MeSH term the terminology does not know ("Neoplasm Metastasis") files the
    # trial under the kinds of disease inside it, like the registry's ancestors: upwards
    # only. Unlike the trial's own words, it never opens the trial to every disease of the
    # kind (a T-ALL patient passed a breast cancer trial indexed "Neoplasm Metastasis").
    unknown = [t for t in indexed if condition_concept(t) is None]
    texts = own + [t for t in indexed if t not in unknown]
    within = list(dict.fromkeys([*(record.get("condition_ancestors") or []),
                                 *(c for t in unknown for c in concepts_within(t) if c not in concepts)]))
    filed = [t for t in indexed if t not in unknown and t not in own]     # known index terms: they only file the trial
    if not concepts and not texts:
        return None
    rule: dict[str, Any] = {"type": "target_condition"}
    for name, value in (("concepts", concepts), ("texts", texts), ("within", within), ("filed", filed)):
        if value:
            rule[name] = value
    if (record.get("eligibility") or {}).get("healthy_volunteers") is False:
        rule["patients"] = True         # a person who says they have no illness is not one of its
    if title_joins(record.get("title") or "", own):
        # "... in Participants With Hypertension and Obesity or Overweight", listed as
        # Hypertension; Overweight or Obesity: its people have each, so one the patient says they
        # do not have rules the trial out though they have another (matching.relevance
        # ``_denied_own``; h183, round 38)
        rule["joined"] = True
    # at risk of a complication of pregnancy ("Prevent Preeclampsia", gestational diabetes):
    # the people are pregnant women, and a stated pregnancy meets the gate itself (the
    # condition "pregnancy", matching.relevance), so no one else is kept in
    pregnant_people = _pregnancy_population(concepts)
    risks = at_risk_of(record) if not pregnant_people else []
    care = care_population(record) if not risks else []
    receiving = receiving_population(record) if not (risks or care) else []
    shown = list(record.get("conditions_text") or []) or [_label(c) for c in concepts] or texts
    text = "A trial for: " + "; ".join(shown) + " (the registry's conditions)"
    # concepts the registry's names do not give (the diseases a record's eligibility also
    # admits, the kind its title names): said, so a Still's disease patient passing the gate
    # does not read "for Crohn Disease; Ulcerative Colitis; Dermatomyositis" only
    named = {c for t in own for c in (condition_concept(t), *concepts_within(t)) if c}
    also = [_label(c) for c in concepts if c not in named] if own else []
    if also:
        text += "; also " + ", ".join(also)
    if pregnant_people:
        text += "; for pregnant women: a pregnancy the patient has meets it"
    if family_study(record):
        # a study about people's family history: a relative's listed condition meets the gate
        # too. A flag on the one leaf (matching.relevance reads it), not a second leaf: every
        # gate stays one leaf per plan for the catalogue's vectorised gate
        rule["relatives"] = True
        text += ("; a study about family history (the registry's title or summary), so a relative's "
                 "listed condition meets it too")
    if risks:
        # people at risk of a listed condition (or who care for people with it): a patient
        # without it is not ruled out; whether their risk fits is the trial team's
        text += (f"; for people at risk of {', '.join(risks)} too (the registry's title or summary), so a patient "
                 "without it is not ruled out: whether the risk fits is for the trial team")
        rule = {"any": [rule, {"type": "review", "reason": "clinical"}]}
    elif care:
        # people having a procedure or care, not a disease: no diagnosis rules them out
        text += ("; what is done to the people, not a disease they have, so no diagnosis rules a patient out: "
                 "whether the patient is having it is for the trial team")
        rule = {"any": [rule, {"type": "review", "reason": "clinical"}]}
    elif receiving:
        # people named by what they receive ("Children Receiving Highly Emetogenic
        # Chemotherapy"): the listed diseases are the setting; a patient with another disease
        # of their kind (any cancer for a blood-cancer listing) is not ruled out, one with a
        # disease of no such kind (a child with ITP) is
        terminology = load_terminology()
        kinds = list(dict.fromkeys(a for c in concepts if c in terminology for a in terminology.ancestors(c)
                                   if terminology[a].attrs.get("main_kind")))
        text += (f"; for people receiving a treatment ({', '.join(receiving)}, the registry's title), "
                 "so another disease of the same kind does not rule a patient out: whether the patient is "
                 "having it is for the trial team")
        setting = {"all": [{"type": "target_condition", "concepts": kinds}, {"type": "review", "reason": "clinical"}]}
        rule = {"any": [rule, setting if kinds else {"type": "review", "reason": "clinical"}]}
    return {"id": "elig-condition", "kind": "inclusion", "rule": rule, "text": text}


_AND = re.compile(r"\band\b", re.IGNORECASE)


def title_joins(title: str, listed: list[str]) -> bool:
    """Whether ``title`` joins two of the trial's own listed conditions (``listed``, each a
    separate item of the registry's list) with "and": "Participants With Hypertension and Obesity
    or Overweight" for Hypertension; Overweight or Obesity. One listed name holding both
    ("Chronic Kidney Disease and Hypertension") is not two: the patient meeting it as it is
    written is not ruled out by it (h183, round 38)."""
    from data.condition_names import concepts_within, condition_concept  # start-up: names only when planning

    if len(listed) < 2 or not title:
        return False
    kinds = []
    for name in listed:
        known = condition_concept(name)
        kinds.append({known} if known else set(concepts_within(name)))
    for found in _AND.finditer(title):
        left = _named_at(title[:found.start()].split()[::-1], concepts_within, backwards=True)
        right = _named_at(title[found.end():].split(), concepts_within)
        if any(i != j and kinds[i] & left and kinds[j] & right
               for i in range(len(kinds)) for j in range(len(kinds))):
            return True
    return False


def _named_at(words: list[str], concepts_within, backwards: bool = False) -> set[str]:
    """The conditions a name starting at the first of ``words`` names (``backwards``: the
    words run back from the end of a name): "Obesity or Overweight ..." names obesity right
    after "and"; "Other Solid Tumors" and "Without Type 2 Diabetes" name none there."""
    for size in range(1, min(len(words), 5) + 1):
        def name(part: list[str]) -> set[str]:
            return set(concepts_within(" ".join(part[::-1] if backwards else part)))
        found = name(words[:size]) - name(words[1:size])
        if found:
            return found
    return set()


_PREGNANCY = "pregnancy"


def _pregnancy_population(concepts: list[str]) -> bool:
    """Whether a trial's listed conditions include pregnancy or a complication of it
    (``complication_of: [pregnancy]`` in the terminology: pre-eclampsia, gestational diabetes)."""
    terminology = load_terminology()
    for concept in concepts:
        found = terminology.get(concept)
        if found is not None and (terminology.is_a(concept, _PREGNANCY)
                                  or _PREGNANCY in found.attrs.get("complication_of", ())):
            return True
    return False


def title_kinds(record: dict) -> list[str]:
    """The kind of disease a trial's title names when the registry lists one condition
    under it and the title names nothing narrower ("TCR-T Cell Therapy on Advanced Solid
    Tumors", listed for pancreatic cancer, whose criteria take lung and colorectal cancer
    too): the trial is for the kind, the listed condition is one cohort of it. Never a top
    class ("cancer" in "Oral Cancer" is no kind the title chose) and never for a trial that
    lists several conditions (they are its scope: the autoimmune CAR-T trials), unless its
    title names a molecular alteration its patients' tumours carry ("... in Patients With
    Advanced Solid Tumors Harboring KRAS p.G12C Mutation", listed for lung, colorectal and
    pancreatic cancer: ``alteration_words``, data/evidence.yaml): such a basket lists the
    cohorts it expects, and takes any tumour of the kind with the alteration (which its
    criteria ask)."""
    from data.condition_names import alteration_words, concepts_within, kind_splits  # start-up: names only when planning

    listed = list(record.get("conditions") or [])
    titles = [t for t in (record.get("title"), record.get("official_title")) if isinstance(t, str) and t]
    if not listed or (len(listed) > 1 and not any(alteration_words().search(t) for t in titles)):
        return []
    terminology = load_terminology()
    named = list(dict.fromkeys(c for t in titles for c in concepts_within(t) if c in terminology))
    tops = kind_splits()
    if len(listed) > 1:
        # a basket's two titles may name its people twice, once by the top class ("in Cancer
        # Patients With a Specific Genetic Mutation (KRAS G12C)") and once by a kind ("in
        # Patients With KRAS G12C-Mutant Advanced Solid Tumors"): the kind is what it chose
        named = [c for c in named if c not in tops] if any(c not in tops for c in named) else named
    if not named or any(c in tops or c in listed or not all(terminology.is_a(one, c) for one in listed)
                        for c in named):
        return []
    # the listed condition's abbreviation in a title names it ("... Nonsmall Cell Lung Cancer
    # (NSCLC)": "lung cancer" inside a spelling the terminology lacks is no broader kind)
    found = terminology.get(listed[0])
    for abbreviation in (found.abbreviations if found is not None else ()):
        if any(isinstance(t, str) and _abbreviation(abbreviation).search(t)
               for t in (record.get("title"), record.get("official_title"))):
            return []
    return named


def _criterion(criterion: dict, kind: str, nodes: dict[str, dict], texts: dict[str, str] | None = None) -> str:
    kind = criterion.get("kind") or kind
    if criterion.get("children"):
        node: dict = {"group": criterion.get("combine", "all"),
                      "c": [_criterion(child, kind, nodes, texts) for child in criterion["children"]]}
    elif criterion.get("rule") is not None:
        node = {"crit": _rule(criterion["rule"], nodes, texts), "kind": kind}
        if _from_registry_fields(criterion):
            node["registry"] = True       # from the registry's fields, not a criterion the trial wrote
    else:
        node = {"review": True}
    return _keep(node, nodes, texts)


def _from_registry_fields(criterion: dict) -> bool:
    """A criterion made from the registry's structured fields, not written by the trial: the
    planner's own (``elig-age``, ``elig-condition``) and an importer's age and sex limits
    (``inc-age`` / ``inc-sex``, ``verbatim: false``: registry.criteria_text). Meeting only
    these never makes a trial "likely" (an exploratory study whose every own criterion was
    left to the team ranked above the trials for the patient's disease)."""
    cid = str(criterion.get("id", ""))
    return cid.startswith("elig-") or (cid in ("inc-age", "inc-sex") and criterion.get("verbatim") is False)


def _rule(rule: dict, nodes: dict[str, dict], texts: dict[str, str] | None) -> str:
    if "all" in rule or "any" in rule:
        op = "all" if "all" in rule else "any"
        node: dict = {op: [_rule(sub, nodes, texts) for sub in rule[op]]}
    elif "not" in rule:
        node = {"not": _rule(rule["not"], nodes, texts)}
    else:
        node = {"leaf": rule}
    return _keep(node, nodes, texts)


def _keep(node: dict, nodes: dict[str, dict], texts: dict[str, str] | None) -> str:
    text = _text(node)
    key = _hash(text)
    nodes.setdefault(key, node)
    if texts is not None:
        texts.setdefault(key, text)
    return key


def stated_types(criteria: list[dict]) -> set[str]:
    """The leaf types the criteria state anywhere (registry limits apply only to the
    ones they do not state)."""
    return {leaf.get("type") for c in walk_criteria(criteria) if c.get("rule") for leaf in iter_leaves(c["rule"])}


def walk_criteria(criteria: list[dict]) -> Iterator[dict]:
    """Every criterion, parents before children (records need not be validated)."""
    for criterion in criteria:
        yield criterion
        yield from walk_criteria(criterion.get("children") or [])


def _label(concept: str) -> str:
    terminology = load_terminology()
    return terminology.label(concept) if concept in terminology else concept
