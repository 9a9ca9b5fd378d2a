"""Ship version 2 of two default audit templates.

- `sgo-before-court` version 2 asks about each matter in the Schedule to the Special
  Guardianship Regulations 2005 (as amended in 2016) as its own question, where version 1
  folded most of the Schedule into one, and adds the points of the Public Law Working Group's
  best practice guidance on special guardianship (2021).
- `sgo-support-review` version 2 is version 1 with a question on reviewing the support plan.

Version 1 is left exactly as it was: audits keep the version they were created with, and
`services.current_template` gives new audits the highest version of a slug. Keys of questions
that carry over are kept, so trends follow them across versions.

The data is written out here, not imported, so that this migration always ships exactly
what version 2 was, whatever later versions say. Running it twice ships nothing new: a
version that already holds the new questions counts as shipped. If the assurance lead has
already made a version 2 of their own (editing a used version 1 in Assure), the shipped
version goes on top of theirs as the next number, so that new audits still get it.
"""

from django.db import migrations
from django.db.models import Max
from django.utils import timezone

G, Y, T = "graded", "yes_no", "text"

SCHEDULE = "the Schedule to the Special Guardianship Regulations 2005 (as amended in 2016)"
PLWG = "the Public Law Working Group's best practice guidance on special guardianship (2021)"

# Guidance shared with other version 1 questions, copied rather than imported from 0002.
CHILD_VOICE = (
    "Look for direct work with the child (age-appropriate), the child's views recorded in "
    "their own words, and how those views shaped the plan. Where the child is too young, "
    "look for observation of the child with the carer."
)
PROTECT = (
    "Has the assessment tested the carer's understanding of the risks posed by the parents "
    "or others, their ability and willingness to protect the child, including during "
    "contact, and what they would do if contact became unsafe?"
)
OVERSIGHT = (
    "Look for recorded management decisions with reasons, at the key points (viability, "
    "full assessment, care plan change, court filing), and evidence the manager challenged "
    "the analysis rather than endorsing it."
)
SUPERVISION = (
    "Look for regular, reflective supervision of the worker on this child, with actions that "
    "are followed up, and case discussion before key decisions."
)
RECORDING = (
    "Is the file up to date, accurate and written so the child could read it later? Are "
    "visits, direct work, decisions and their reasons recorded in time?"
)

# Each template: (slug, title, description, a question key only version 2 has, sections).
# Each question: (key, text, type, guidance, required).
TEMPLATES = [
    (
        "sgo-before-court",
        "Special guardianship application before the court",
        "A paper audit of a child whose SGO application is before the court: does the "
        "assessment deal with each matter in the Schedule to the Special Guardianship "
        "Regulations 2005 (as amended in 2016) and follow the Public Law Working Group's best "
        "practice guidance (2021), is the support plan ready, and is the plan safe?",
        "sgo-bc-timetable",
        [
            (
                "The child",
                [
                    (
                        "sgo-bc-harm-risk",
                        "How well does the assessment analyse the harm the child has suffered and the risk of future harm?",
                        G,
                        "Look for a clear chronology of the harm the child has suffered, an analysis (not a "
                        "description) of the risk of future harm from the parents, relatives or anyone else "
                        "relevant, and how each risk will be managed after the order, when the local "
                        f"authority steps back. Source: {SCHEDULE}, paragraph 1(ga) and (gb), added in 2016.",
                        True,
                    ),
                    (
                        "sgo-bc-identity",
                        "How well does the assessment describe the child's identity (racial origin, culture, language and religion) and how the special guardian will promote it?",
                        G,
                        "Look for the child's heritage described specifically, not in a word; any difference "
                        "from the carer's own background; and how the carer will keep the child's culture, "
                        f"language and faith part of their life. Source: {SCHEDULE}, paragraph 1(d) and (e).",
                        True,
                    ),
                    (
                        "sgo-bc-health",
                        "How well does the assessment cover the child's health, with a current medical report?",
                        G,
                        "Look for the child's health history, present health and any treatment, taken from a "
                        "recent health assessment or medical report rather than the worker's summary alone, "
                        "and what the child's health needs will ask of the carer. "
                        f"Source: {SCHEDULE}, paragraph 1(l), and the health information it asks for.",
                        True,
                    ),
                    (
                        "sgo-bc-education",
                        "How well does the assessment cover the child's education: nurseries or schools, progress and any special educational needs?",
                        G,
                        "Look for the nurseries or schools attended with dates, attainment and attendance, the "
                        "personal education plan, any education, health and care plan, and the carer's "
                        "understanding of the help the child needs at school. "
                        f"Source: {SCHEDULE}, paragraph 1(m) to (o).",
                        True,
                    ),
                    (
                        "sgo-bc-history",
                        "Does the assessment set out the child's history of placements and court orders, with dates?",
                        Y,
                        "Each period looked after and each placement with its dates, whether the carer is the "
                        "child's foster carer, and each order made with the court and the date. Check it "
                        f"against the child's record in Assure. Source: {SCHEDULE}, paragraph 1(h), (i) and (p).",
                        True,
                    ),
                    (
                        "sgo-bc-needs",
                        "How well does the assessment analyse the child's needs now and their likely needs until they are 18?",
                        G,
                        "Look for the child's personality and their social, emotional and behavioural "
                        "development, and how their needs are likely to change through adolescence in the "
                        "light of what has happened to them, not only their needs today. "
                        f"Source: {SCHEDULE}, paragraph 1(j), which asks for likely future needs since 2016.",
                        True,
                    ),
                ],
            ),
            (
                "The child's family and siblings",
                [
                    (
                        "sgo-bc-family",
                        "How well does the assessment set out the child's parents and wider family, and the local authority's involvement with them?",
                        G,
                        "Look for each parent's circumstances and history, who has parental responsibility, "
                        "how the wider family network was explored (a family group conference, viability "
                        "assessments), and the local authority's past and present involvement with the "
                        f"family. Source: {SCHEDULE}: the matters on the child's family (paragraph 2) and "
                        "on the local authority.",
                        True,
                    ),
                    (
                        "sgo-bc-siblings",
                        "How well does the assessment consider the child's siblings: their relationship and the contact they will have?",
                        G,
                        "Look for each sibling named, where they live, the quality of their relationship "
                        "with the child (not only whether they meet), and a plan for contact after the "
                        "order that the carer can manage. Answer not applicable if the child has no "
                        f"siblings. Source: {SCHEDULE}, paragraph 1(f) and (g).",
                        True,
                    ),
                    (
                        "sgo-bc-siblings-together",
                        "Where the child has siblings, was placing them together considered, with reasons for the decision?",
                        Y,
                        "If the children are to live apart, the reasons should come from their needs, not "
                        "from the carer's capacity alone. Answer not applicable if the child has no "
                        f"siblings. Source: {SCHEDULE}, paragraph 1(f) and (g); for siblings who are looked "
                        "after, the Children Act 1989, section 22C(8)(c).",
                        True,
                    ),
                ],
            ),
            (
                "Wishes and feelings",
                [
                    (
                        "sgo-bc-wishes-feelings",
                        "How well are the child's wishes and feelings gathered and reflected in the plan?",
                        G,
                        f"{CHILD_VOICE} Source: {SCHEDULE}: the child's wishes and feelings, in the light "
                        "of their age and understanding, about special guardianship, their relationships "
                        "and their upbringing.",
                        True,
                    ),
                    (
                        "sgo-bc-parents-wishes",
                        "How well are the parents' wishes and feelings about the order, the carer and contact gathered and weighed?",
                        G,
                        "Look for each parent seen, or the efforts made to see them; their views on the "
                        "application, the carer, contact and the child's religious and cultural upbringing; "
                        "and how those views were weighed, above all where a parent opposes the order. "
                        f"Source: {SCHEDULE}: the wishes and feelings of the child's parents.",
                        True,
                    ),
                    (
                        "sgo-bc-others-wishes",
                        "How well are the wishes and feelings of relatives and others the local authority thinks relevant gathered and weighed?",
                        G,
                        "Grandparents, aunts and uncles, former carers and anyone else who matters to the "
                        "child: look for whose views were sought and why, and any conflict in the family "
                        f"that could unsettle the placement. Source: {SCHEDULE}: the wishes and feelings "
                        "of relatives and others the local authority consider relevant.",
                        True,
                    ),
                ],
            ),
            (
                "The prospective special guardian",
                [
                    (
                        "sgo-bc-relationship",
                        "How well does the assessment evidence the prospective special guardian's relationship with the child?",
                        G,
                        "Look for the nature of the relationship now and in the past, and its quality, not "
                        "only its length: how the child and the carer know each other, the time they have "
                        f"spent together, and the child's attachment to them. Source: {SCHEDULE}, "
                        "paragraph 4(j), as substituted in 2016.",
                        True,
                    ),
                    (
                        "sgo-bc-parenting-capacity",
                        "How well is the carer's parenting capacity assessed, now and until the child is 18?",
                        G,
                        "Look for the carer's understanding of the child's current and likely future needs, "
                        "above all in the light of the harm the child has suffered, and their ability and "
                        "suitability to bring the child up until 18: health, age, other responsibilities "
                        f"and the demands of adolescence. Source: {SCHEDULE}, paragraph 4(n), as substituted "
                        "in 2016.",
                        True,
                    ),
                    (
                        "sgo-bc-capacity-protect",
                        "How well is the carer's capacity to protect the child assessed, including during contact?",
                        G,
                        f"{PROTECT} Source: {SCHEDULE}, paragraph 4(n), as substituted in 2016.",
                        True,
                    ),
                    (
                        "sgo-bc-understanding",
                        "How well does the assessment test the carer's understanding of special guardianship and their reasons for applying?",
                        G,
                        "Look for evidence that the carer understands what the order means (their parental "
                        "responsibility until 18, the parents keeping theirs, the local authority stepping "
                        "back, what support there will and will not be) and why they are applying, "
                        "including any pressure on them to take the child. "
                        f"Source: {SCHEDULE}: the matters on the prospective special guardian (paragraph 4).",
                        True,
                    ),
                    (
                        "sgo-bc-checks",
                        "Have the checks on the carer been completed and analysed: enhanced DBS, references and checks with other councils?",
                        Y,
                        "Look for an enhanced DBS check, personal references followed up rather than only "
                        "collected, checks with each council where the carer has lived, and an analysis of "
                        "anything they found, not only a list. "
                        f"Source: {SCHEDULE}: the matters on the prospective special guardian (paragraph 4); "
                        "the council's SGO procedure.",
                        True,
                    ),
                    (
                        "sgo-bc-carer-health",
                        "Is there a medical report on the carer, and is what it means for their care of the child until 18 analysed?",
                        Y,
                        "A report from the carer's GP or a medical adviser, not only the carer's own account, "
                        "and what any condition means for caring for the child until they are 18. "
                        f"Source: {SCHEDULE}: the health information on the prospective special guardian.",
                        True,
                    ),
                    (
                        "sgo-bc-household",
                        "How well are the other members of the carer's household assessed, with their checks?",
                        G,
                        "Everyone who lives in the home or often stays there, including adult children and "
                        "partners: their relationship with the child, their views, their enhanced DBS and "
                        "other checks, and any risk they pose or protection they give. "
                        f"Source: {SCHEDULE}: the matters on the prospective special guardian and their "
                        "household (paragraph 4).",
                        True,
                    ),
                    (
                        "sgo-bc-home-income",
                        "Does the assessment cover the carer's income, home and accommodation, and whether they meet the child's needs?",
                        Y,
                        "Income and outgoings, the home and its space (a bedroom for the child, "
                        "overcrowding), any planned move, and the financial help the carer will need, which "
                        f"the support plan should then meet. Source: {SCHEDULE}: the matters on the "
                        "prospective special guardian (paragraph 4).",
                        True,
                    ),
                ],
            ),
            (
                "The order and the recommendation",
                [
                    (
                        "sgo-bc-implications",
                        "How well does the assessment analyse what the order will mean for the child, the parents, the special guardian and others?",
                        G,
                        "Look for the implications for each of them: the child leaving care and their legal "
                        "status until 18; the parents' parental responsibility and contact; the carer's "
                        "family life, health, work and money; and others such as siblings and the carer's "
                        f"own children. Source: {SCHEDULE}: the implications of making the order.",
                        True,
                    ),
                    (
                        "sgo-bc-other-options",
                        "Does the assessment weigh the merits of an SGO against the other orders and options?",
                        Y,
                        "Adoption, a child arrangements order, long-term fostering, return home. "
                        f"Source: {SCHEDULE}: the merits of a special guardianship order compared with other "
                        "orders, and whether one would best meet the child's long-term interests.",
                        True,
                    ),
                    (
                        "sgo-bc-recommendation",
                        "Is the recommendation on the order clear and reasoned, with an alternative proposal if an SGO is not recommended?",
                        G,
                        "The recommendation should follow from the analysis in the report. If the report "
                        "does not recommend the order sought, it should say what it proposes for the child "
                        f"instead. Source: {SCHEDULE}: a recommendation on the order sought.",
                        True,
                    ),
                    (
                        "sgo-bc-contact-recommendation",
                        "Is there a clear, reasoned recommendation on contact between the child and their parents, siblings, relatives and others who matter to them?",
                        G,
                        "Look for who, how often, where, whether supervised and why, reflecting the risks "
                        "and the child's wishes and feelings. "
                        f"Source: {SCHEDULE}: a recommendation on arrangements for contact.",
                        True,
                    ),
                ],
            ),
            (
                "Best practice before the order",
                [
                    (
                        "sgo-bc-timetable",
                        "Was the assessment given the time it needed, rather than cut short to fit the 26-week timetable?",
                        Y,
                        "The guidance puts the child's welfare and a robust, evidenced assessment before the "
                        "26-week timetable: where a carer came forward late or could not be assessed well in "
                        "time, the local authority should ask the court for more time. Signs of an assessment "
                        "cut short: Schedule matters missing, a viability assessment relabelled as the full "
                        "assessment, no observation of the child with the carer, a report filed at the last "
                        f"moment. Source: {PLWG}.",
                        True,
                    ),
                    (
                        "sgo-bc-lived-with-carer",
                        "Has the child lived with the carer before the order, and for how long?",
                        Y,
                        "The guidance expects the child to have lived with the carer before the order where "
                        "possible, above all where they did not already know each other well, so that the "
                        "placement is tested before it becomes permanent. Record the time in the evidence "
                        f"note. Source: {PLWG}.",
                        True,
                    ),
                    (
                        "sgo-bc-preparation",
                        "How well have the prospective special guardians been prepared and trained for special guardianship?",
                        G,
                        "Look for preparation or training before the final hearing: the child's history and "
                        "needs, the effects of trauma, managing contact and the parents, what the order "
                        "means and the support available, and what the carer took from it. "
                        f"Source: {PLWG}.",
                        True,
                    ),
                    (
                        "sgo-bc-legal-advice",
                        "Was the carer told they could get independent legal advice, and helped to get it, before the order?",
                        Y,
                        "Look for the carer being told early, in writing, that they can get independent legal "
                        "advice on the order and the support plan, and whether the council paid for it under "
                        f"its policy. Source: {PLWG}.",
                        True,
                    ),
                    (
                        "sgo-bc-supervision-order",
                        "Was it considered whether a supervision order should be sought alongside the SGO, with reasons recorded?",
                        Y,
                        "The guidance asks for fewer supervision orders made with SGOs: a supervision order "
                        "is no substitute for a full assessment or a support plan, and if the carer needs the "
                        "local authority's oversight to keep the child safe, ask whether an SGO is the right "
                        f"order yet. Look for the reasons either way. Source: {PLWG}.",
                        True,
                    ),
                    (
                        "sgo-bc-life-story",
                        "How well is life-story work done or planned, so that the child understands their history and why they live with the carer?",
                        G,
                        "Look for direct work suited to the child's age, a life-story book or later-life "
                        "letter planned with a date and a person responsible, and the carer's part in it "
                        f"after the order. Source: {PLWG}.",
                        True,
                    ),
                ],
            ),
            (
                "Support and legal planning",
                [
                    (
                        "sgo-bc-support-plan",
                        "Is there a support plan that meets the needs identified, filed with the court report?",
                        G,
                        "Special Guardianship Regulations 2005 Part 2: financial support, therapeutic "
                        "services, support with contact, a named contact point, review arrangements. "
                        "The Public Law Working Group's best practice guidance (2021) expects the plan to "
                        "be filed with the court report, "
                        "built on the assessed needs of the child and the carer, and shared with the carer "
                        "before the final hearing.",
                        True,
                    ),
                    (
                        "sgo-bc-contact-plan",
                        "Is the plan for contact clear, safe and agreed with the carer?",
                        Y,
                        "Who, how often, supervised or not, and who manages it after the order.",
                        True,
                    ),
                    (
                        "sgo-bc-legal-planning",
                        "Was legal planning timely, with a legal planning meeting and a clear route through the proceedings?",
                        G,
                        "Look for the legal gateway or planning meeting decision, the timetable against 26 "
                        "weeks, and advice on the order sought.",
                        True,
                    ),
                ],
            ),
            (
                "Oversight and recording",
                [
                    (
                        "sgo-bc-management-oversight",
                        "How effective is management oversight of the plan and the assessment?",
                        G,
                        OVERSIGHT,
                        True,
                    ),
                    (
                        "sgo-bc-supervision",
                        "How effective is supervision of the worker on this child's case?",
                        G,
                        SUPERVISION,
                        True,
                    ),
                    (
                        "sgo-bc-recording",
                        "What is the quality of recording on the child's file?",
                        G,
                        RECORDING,
                        True,
                    ),
                    (
                        "sgo-bc-safe-to-proceed",
                        "Is it safe for this SGO to go ahead as planned?",
                        Y,
                        "If no, raise an escalation now if the child may be unsafe, and record what must change before sign-off.",
                        True,
                    ),
                    (
                        "sgo-bc-summary",
                        "Summary of the audit and the reasons for the overall grade",
                        T,
                        "",
                        True,
                    ),
                ],
            ),
        ],
    ),
    (
        "sgo-support-review",
        "Support review after a special guardianship order",
        "For SGOs granted in the last 12 months: the quality of the support given to the "
        "special guardians and to the child.",
        "sgo-sr-plan-review",
        [
            (
                "The support plan",
                [
                    (
                        "sgo-sr-plan-delivered",
                        "Has the support plan been delivered as agreed?",
                        G,
                        "Compare what the plan promised with what happened: services started, named worker, reviews held.",
                        True,
                    ),
                    (
                        "sgo-sr-plan-review",
                        "Has the support plan been reviewed as the regulations and the plan require, with the special guardian and the child, and changed when needs changed?",
                        G,
                        "Special Guardianship Regulations 2005: regulation 14 (the support plan and its "
                        "review arrangements) and regulations 17 and 18 (reviews: when circumstances "
                        "change, at the points the plan sets, and at least once a year; financial support "
                        "each year). Look for reviews held on time, the special guardian taking part and the "
                        "child's views sought in a way that suits their age, notice of any proposed change "
                        "with a chance to respond, and a revised plan when the child's or the carer's needs "
                        "changed.",
                        True,
                    ),
                    (
                        "sgo-sr-finances",
                        "Is financial support in place, paid correctly and reviewed?",
                        G,
                        "Allowance assessed and paid from the order; annual review; help with benefits and legal costs where agreed.",
                        True,
                    ),
                    (
                        "sgo-sr-contact",
                        "Is contact happening safely and as planned, with the support the plan promised?",
                        G,
                        PROTECT,
                        True,
                    ),
                    (
                        "sgo-sr-therapeutic",
                        "Has the child or the carer had the therapeutic support they need?",
                        Y,
                        "Including Adoption and Special Guardianship Support Fund applications where eligible.",
                        True,
                    ),
                ],
            ),
            (
                "The child and the carers",
                [
                    (
                        "sgo-sr-progress",
                        "How well is the child progressing: health, education, emotional wellbeing, identity?",
                        G,
                        "",
                        True,
                    ),
                    (
                        "sgo-sr-wishes-feelings",
                        "Are the child's views about living with their special guardian known?",
                        Y,
                        CHILD_VOICE,
                        True,
                    ),
                    (
                        "sgo-sr-strain",
                        "Are there signs of strain in the placement, and were they acted on?",
                        G,
                        "Requests for help, changes in the household, school exclusions, the child going missing, talk of the child returning to care. A broken-down SGO is a key safety signal.",
                        True,
                    ),
                    (
                        "sgo-sr-recording",
                        "What is the quality of recording since the order?",
                        G,
                        RECORDING,
                        True,
                    ),
                    (
                        "sgo-sr-summary",
                        "Summary of the audit and the reasons for the overall grade",
                        T,
                        "",
                        True,
                    ),
                ],
            ),
        ],
    ),
]


def _shipped(Template, slug, marker):
    """The versions of a template this migration shipped: they hold its new question and no
    person made them (a lead's later edit of one has created_by set and is theirs)."""
    return Template.objects.filter(
        slug=slug, created_by__isnull=True, sections__questions__key=marker
    ).distinct()


def ship(apps, schema_editor):
    Template = apps.get_model("audits", "AuditTemplate")
    Section = apps.get_model("audits", "TemplateSection")
    Question = apps.get_model("audits", "Question")
    now = timezone.now()
    for slug, title, description, marker, sections in TEMPLATES:
        if Question.objects.filter(section__template__slug=slug, key=marker).exists():
            continue  # already shipped (or a later version built on it)
        latest = Template.objects.filter(slug=slug).aggregate(v=Max("version"))["v"] or 1
        template = Template.objects.create(
            slug=slug, version=latest + 1, title=title, description=description, created_at=now
        )
        for s_pos, (s_title, questions) in enumerate(sections, start=1):
            section = Section.objects.create(template=template, position=s_pos, title=s_title)
            Question.objects.bulk_create(
                Question(
                    section=section,
                    position=q_pos,
                    key=key,
                    text=text,
                    type=kind,
                    guidance=guidance,
                    required=required,
                )
                for q_pos, (key, text, kind, guidance, required) in enumerate(questions, start=1)
            )


def unship(apps, schema_editor):
    """Delete the shipped versions no audit or family audit has used; a used one stays, since
    a version an audit has used is never changed."""
    Template = apps.get_model("audits", "AuditTemplate")
    for slug, _title, _description, marker, _sections in TEMPLATES:
        for template in _shipped(Template, slug, marker):
            if not template.audits.exists() and not template.family_audits.exists():
                template.delete()


class Migration(migrations.Migration):
    dependencies = [("audits", "0005_family_audits")]
    operations = [migrations.RunPython(ship, unship)]
