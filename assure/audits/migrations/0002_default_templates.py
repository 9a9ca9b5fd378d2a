"""Ship the grade scale, the theme taxonomy and the four default audit templates (version 1).

The data is written out here, not imported, so that this migration always ships exactly
what version 1 was, whatever later versions say.
"""

from django.db import migrations
from django.utils import timezone

G, Y, T = "graded", "yes_no", "text"

GRADES = [
    # slug, label, position, score, below_good, tag colour
    ("outstanding", "Outstanding", 1, 4, False, "green"),
    ("good", "Good", 2, 3, False, "turquoise"),
    ("requires_improvement", "Requires improvement to be good", 3, 2, True, "yellow"),
    ("inadequate", "Inadequate", 4, 1, True, "red"),
    ("not_applicable", "Not applicable", 5, None, False, "grey"),
]

THEMES = [
    ("assessment-quality", "Quality of assessment"),
    ("planning", "Care and permanence planning"),
    ("child-voice", "The child's voice"),
    ("risk-analysis", "Analysis of harm and risk"),
    ("contact", "Family time and contact"),
    ("support-planning", "Support planning"),
    ("management-oversight", "Management oversight"),
    ("supervision", "Supervision"),
    ("recording", "Quality of recording"),
    ("legal-planning", "Legal planning and the court"),
    ("timeliness", "Timeliness and drift"),
    ("multi-agency", "Working with partners"),
]

CHILD_VOICE = (
    "Look for direct work with the child (age-appropriate), the child's views recorded in "
    "their own words, and how those views shaped the plan. Where the child is too young, "
    "look for observation of the child with the carer."
)
HARM_RISK = (
    "The Schedule asks for the harm the child has suffered and the risk of future harm. Look "
    "for a clear chronology, analysis (not description) of risk, and how each risk will be "
    "managed after the order when the local authority steps back."
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

TEMPLATES = [
    (
        "sgo-before-court",
        "Special guardianship application before the court",
        "A paper audit of a child whose SGO application is before the court: does the "
        "assessment meet the Special Guardianship Regulations 2005 Schedule, is the support "
        "plan ready, and is the plan safe?",
        [
            ("The special guardianship assessment", [
                ("sgo-bc-schedule", "Does the assessment cover every topic in the Schedule to the Special Guardianship Regulations 2005?", G,
                 "The child (identity, health, education, placements and orders, needs); the child's family; the LA's involvement; health information; the implications of an order; the merits of an SGO compared with other orders; a recommendation on the order and on contact.", True),
                ("sgo-bc-relationship", "How well does the assessment evidence the prospective special guardian's relationship with the child?", G,
                 "Look for the history and quality of the relationship, not only its length.", True),
                ("sgo-bc-parenting-capacity", "How well is the carer's parenting capacity assessed, now and until the child is 18?", G,
                 "The Schedule (as strengthened in 2016) asks for capacity until the child reaches 18: health, age, the child's changing needs through adolescence.", True),
                ("sgo-bc-other-options", "Does the assessment weigh the merits of an SGO against the other orders and options?", Y,
                 "Adoption, a child arrangements order, long-term fostering, return home.", True),
            ]),
            ("The child", [
                ("sgo-bc-wishes-feelings", "How well are the child's wishes and feelings gathered and reflected in the plan?", G, CHILD_VOICE, True),
                ("sgo-bc-harm-risk", "How well does the assessment analyse the harm the child has suffered and the risk of future harm?", G, HARM_RISK, True),
                ("sgo-bc-capacity-protect", "How well is the carer's capacity to protect the child assessed, including during contact?", G, PROTECT, True),
                ("sgo-bc-lived-with-carer", "Has the child lived with the carer before the order, and for how long?", Y,
                 "The Public Law Working Group's guidance (2021) expects the child to have lived with the carer before the order where possible. Record the time in the evidence note.", True),
            ]),
            ("Support and legal planning", [
                ("sgo-bc-support-plan", "Is there a support plan that meets the needs identified, filed with the court report?", G,
                 "Special Guardianship Regulations 2005 Part 2: financial support, therapeutic services, support with contact, a named contact point, review arrangements.", True),
                ("sgo-bc-contact-plan", "Is the plan for contact clear, safe and agreed with the carer?", Y,
                 "Who, how often, supervised or not, and who manages it after the order.", True),
                ("sgo-bc-legal-planning", "Was legal planning timely, with a legal planning meeting and a clear route through the proceedings?", G,
                 "Look for the legal gateway or planning meeting decision, the timetable against 26 weeks, and advice on the order sought.", True),
            ]),
            ("Oversight and recording", [
                ("sgo-bc-management-oversight", "How effective is management oversight of the plan and the assessment?", G, OVERSIGHT, True),
                ("sgo-bc-supervision", "How effective is supervision of the worker on this child's case?", G, SUPERVISION, True),
                ("sgo-bc-recording", "What is the quality of recording on the child's file?", G, RECORDING, True),
                ("sgo-bc-safe-to-proceed", "Is it safe for this SGO to go ahead as planned?", Y,
                 "If no, raise an escalation now if the child may be unsafe, and record what must change before sign-off.", True),
                ("sgo-bc-summary", "Summary of the audit and the reasons for the overall grade", T, "", True),
            ]),
        ],
    ),
    (
        "sgo-support-review",
        "Support review after a special guardianship order",
        "For SGOs granted in the last 12 months: the quality of the support given to the "
        "special guardians and to the child.",
        [
            ("The support plan", [
                ("sgo-sr-plan-delivered", "Has the support plan been delivered as agreed?", G,
                 "Compare what the plan promised with what happened: services started, named worker, reviews held.", True),
                ("sgo-sr-finances", "Is financial support in place, paid correctly and reviewed?", G,
                 "Allowance assessed and paid from the order; annual review; help with benefits and legal costs where agreed.", True),
                ("sgo-sr-contact", "Is contact happening safely and as planned, with the support the plan promised?", G, PROTECT, True),
                ("sgo-sr-therapeutic", "Has the child or the carer had the therapeutic support they need?", Y,
                 "Including Adoption and Special Guardianship Support Fund applications where eligible.", True),
            ]),
            ("The child and the carers", [
                ("sgo-sr-progress", "How well is the child progressing: health, education, emotional wellbeing, identity?", G, "", True),
                ("sgo-sr-wishes-feelings", "Are the child's views about living with their special guardian known?", Y, CHILD_VOICE, True),
                ("sgo-sr-strain", "Are there signs of strain in the placement, and were they acted on?", G,
                 "Requests for help, changes in the household, school exclusions, the child going missing, talk of the child returning to care. A broken-down SGO is a key safety signal.", True),
                ("sgo-sr-recording", "What is the quality of recording since the order?", G, RECORDING, True),
                ("sgo-sr-summary", "Summary of the audit and the reasons for the overall grade", T, "", True),
            ]),
        ],
    ),
    (
        "permanence-planning",
        "Permanence planning",
        "A child whose care plan includes special guardianship or another route to "
        "permanence: is there a timely, evidenced plan for permanence?",
        [
            ("The plan for permanence", [
                ("pp-plan-timely", "Was a plan for permanence made by the second looked-after review?", Y,
                 "Care Planning, Placement and Case Review (England) Regulations 2010, regulation 5.", True),
                ("pp-plan-evidence", "How well is the plan for permanence evidenced and analysed?", G,
                 "Options considered, the child's needs, the family network explored (family group conference, viability assessments).", True),
                ("pp-parallel", "Is there a parallel plan, and is it being progressed?", Y, "", True),
                ("pp-wishes-feelings", "How well are the child's wishes and feelings reflected in the plan?", G, CHILD_VOICE, True),
                ("pp-harm-risk", "How well are harm and future risk analysed for the chosen route?", G, HARM_RISK, True),
                ("pp-drift", "Is the plan progressing without drift?", G,
                 "Compare dates: plan agreed, assessments started and completed, applications filed.", True),
            ]),
            ("Oversight and recording", [
                ("pp-iro", "Has the IRO reviewed the plan and any concerns been resolved?", Y, "", True),
                ("pp-management-oversight", "How effective is management oversight of the plan?", G, OVERSIGHT, True),
                ("pp-supervision", "How effective is supervision of the worker on this child's case?", G, SUPERVISION, True),
                ("pp-recording", "What is the quality of recording on the child's file?", G, RECORDING, True),
                ("pp-summary", "Summary of the audit and the reasons for the overall grade", T, "", True),
            ]),
        ],
    ),
    (
        "placement-with-parents",
        "Placement with parents",
        "A child placed with parents under a care order: is the placement assessed, "
        "supported and reviewed, and is the child safe?",
        [
            ("The placement", [
                ("pwp-assessment", "How well was the placement with parents assessed before it began?", G,
                 "Care Planning Regulations 2010 Part 4: assessment of the parent, approval by the nominated officer, placement plan.", True),
                ("pwp-approval", "Was the placement approved at the right level before it began?", Y, "", True),
                ("pwp-harm-risk", "How well are the harm the child suffered and the risk of future harm analysed and managed?", G, HARM_RISK, True),
                ("pwp-wishes-feelings", "How well are the child's wishes and feelings known and acted on?", G, CHILD_VOICE, True),
                ("pwp-visits", "Are statutory visits happening, with the child seen alone?", Y, "", True),
                ("pwp-discharge-plan", "Is there a plan either to discharge the care order or to explain why it is still needed?", G,
                 "Look for the legal planning and the reasons the order continues.", True),
            ]),
            ("Oversight and recording", [
                ("pwp-management-oversight", "How effective is management oversight of the placement?", G, OVERSIGHT, True),
                ("pwp-supervision", "How effective is supervision of the worker on this child's case?", G, SUPERVISION, True),
                ("pwp-recording", "What is the quality of recording on the child's file?", G, RECORDING, True),
                ("pwp-summary", "Summary of the audit and the reasons for the overall grade", T, "", True),
            ]),
        ],
    ),
]


def ship(apps, schema_editor):
    Grade = apps.get_model("audits", "Grade")
    Theme = apps.get_model("audits", "Theme")
    Settings = apps.get_model("audits", "AuditSettings")
    Template = apps.get_model("audits", "AuditTemplate")
    Section = apps.get_model("audits", "TemplateSection")
    Question = apps.get_model("audits", "Question")
    for slug, label, position, score, below_good, colour in GRADES:
        Grade.objects.update_or_create(
            slug=slug,
            defaults={"label": label, "position": position, "score": score,
                      "below_good": below_good, "tag_colour": colour},
        )
    for slug, label in THEMES:
        Theme.objects.get_or_create(slug=slug, defaults={"label": label})
    Settings.objects.get_or_create(pk=1)
    now = timezone.now()
    for slug, title, description, sections in TEMPLATES:
        if Template.objects.filter(slug=slug).exists():
            continue
        template = Template.objects.create(
            slug=slug, version=1, title=title, description=description, created_at=now
        )
        for s_pos, (s_title, questions) in enumerate(sections, start=1):
            section = Section.objects.create(template=template, position=s_pos, title=s_title)
            Question.objects.bulk_create(
                Question(section=section, position=q_pos, key=key, text=text, type=kind,
                         guidance=guidance, required=required)
                for q_pos, (key, text, kind, guidance, required) in enumerate(questions, start=1)
            )


class Migration(migrations.Migration):
    dependencies = [("audits", "0001_initial")]
    operations = [migrations.RunPython(ship, migrations.RunPython.noop)]
