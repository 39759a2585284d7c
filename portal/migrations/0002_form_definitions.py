"""The form types the portal ships with, written from the health partners' guide and the
usual statutory content of EHC needs assessment advice. Idempotent: tests and the demo data
call `add_definitions` again after a transactional test's flush."""

from django.db import migrations


def details_section():
    return {
        "title": "Details of the child or young person",
        "intro": "Some answers are filled in from the task. Correct them if they are wrong.",
        "fields": [
            {
                "id": "full_name",
                "type": "text",
                "label": "Full name",
                "required": True,
                "prefill": "child_name",
            },
            {
                "id": "date_of_birth",
                "type": "date",
                "label": "Date of birth",
                "required": True,
                "prefill": "child_date_of_birth",
                "hint": "For example, 10 2 2013",
            },
            {
                "id": "address",
                "type": "long_text",
                "label": "Address",
                "prefill": "child_address",
            },
            {"id": "nhs_number", "type": "text", "label": "NHS number"},
            {
                "id": "known_to_service",
                "type": "yes_no",
                "label": "Is the child or young person known to your service?",
                "required": True,
            },
        ],
    }


REPORTS_SECTION = {
    "title": "List the reports/meetings that have contributed to this report (where applicable)",
    "intro": "Remember to attach the documents as Supporting Documentation.",
    "fields": [
        {
            "id": "reports",
            "type": "table",
            "label": "Reports and meetings",
            "columns": [
                {"id": "report", "label": "Reports"},
                {"id": "date", "label": "Date", "type": "date"},
            ],
        }
    ],
}

AUTHOR_SECTION = {
    "title": "Completed by",
    "fields": [
        {"id": "author_name", "type": "text", "label": "Name", "required": True},
        {"id": "author_role", "type": "text", "label": "Job title", "required": True},
        {"id": "author_telephone", "type": "text", "label": "Telephone"},
        {"id": "completed_on", "type": "date", "label": "Date completed", "required": True},
    ],
}

AREAS_OF_NEED = [
    "Communication and interaction",
    "Cognition and learning",
    "Social, emotional and mental health",
    "Sensory and/or physical needs",
]

EHCNA = {
    "sections": [
        details_section(),
        {
            "title": "Background",
            "fields": [
                {
                    "id": "background",
                    "type": "long_text",
                    "label": "Background",
                    "hint": "How and since when the child or young person is known to your "
                    "service, and relevant history.",
                    "required": True,
                },
                {"id": "last_seen", "type": "date", "label": "Date last seen"},
            ],
        },
        {
            "title": "Health needs",
            "fields": [
                {
                    "id": "health_needs",
                    "type": "long_text",
                    "label": "Health needs",
                    "hint": "Diagnoses and the health needs that affect learning and daily life.",
                    "required": True,
                },
                {
                    "id": "areas_of_need",
                    "type": "multiple_choice",
                    "label": "Which areas of need do these affect?",
                    "options": AREAS_OF_NEED,
                },
                {
                    "id": "medication",
                    "type": "yes_no",
                    "label": "Does the child or young person take medication in school?",
                },
            ],
        },
        {
            "title": "Outcomes",
            "fields": [
                {
                    "id": "outcomes",
                    "type": "long_text",
                    "label": "Outcomes",
                    "hint": "What the health provision should help the child or young person "
                    "achieve by the end of the next key stage.",
                    "required": True,
                }
            ],
        },
        {
            "title": "Health provision to meet needs and support outcomes",
            "intro": "Please describe what provision is recommended to meet the identified "
            "health needs and support progress towards outcomes. Be specific about what will "
            "be done, who will be involved (and is responsible), the frequency of provision "
            "and review, other resources etc. Provision should be detailed and specific in "
            "the type, hours, frequency of support and level of expertise; include equipment "
            "and a personal health budget where relevant. Please do not make recommendations "
            "on school provision or placement.",
            "fields": [
                {
                    "id": "health_provision",
                    "type": "table",
                    "label": "Health provision",
                    "required": True,
                    "columns": [
                        {"id": "provision", "label": "Health provision"},
                        {"id": "who", "label": "Who will provide this"},
                    ],
                }
            ],
        },
        REPORTS_SECTION,
        AUTHOR_SECTION,
    ]
}

OT_ADVICE = {
    "sections": [
        details_section(),
        {
            "title": "Reason for involvement and assessment undertaken",
            "fields": [
                {
                    "id": "involvement",
                    "type": "long_text",
                    "label": "Reason for involvement",
                    "required": True,
                },
                {
                    "id": "assessment_setting",
                    "type": "choice",
                    "label": "Where was the assessment carried out?",
                    "options": ["Home", "School or setting", "Clinic", "Virtual"],
                    "required": True,
                },
                {"id": "assessment_date", "type": "date", "label": "Date of assessment"},
                {"id": "sessions", "type": "number", "label": "Number of sessions"},
            ],
        },
        {
            "title": "Functional skills",
            "fields": [
                {"id": "fine_motor", "type": "long_text", "label": "Fine motor skills"},
                {"id": "gross_motor", "type": "long_text", "label": "Gross motor skills"},
                {"id": "self_care", "type": "long_text", "label": "Self-care"},
                {"id": "sensory", "type": "long_text", "label": "Sensory processing"},
            ],
        },
        {
            "title": "Outcomes",
            "fields": [
                {"id": "outcomes", "type": "long_text", "label": "Outcomes", "required": True}
            ],
        },
        {
            "title": "Occupational therapy provision",
            "intro": "Be specific about the type, hours, frequency and level of expertise.",
            "fields": [
                {
                    "id": "ot_provision",
                    "type": "table",
                    "label": "Occupational therapy provision",
                    "required": True,
                    "columns": [
                        {"id": "provision", "label": "Provision"},
                        {"id": "frequency", "label": "Frequency"},
                        {"id": "who", "label": "Who will provide this"},
                    ],
                },
                {
                    "id": "equipment",
                    "type": "table",
                    "label": "Equipment",
                    "columns": [
                        {"id": "item", "label": "Equipment"},
                        {"id": "provided_by", "label": "Provided by"},
                    ],
                },
            ],
        },
        REPORTS_SECTION,
        AUTHOR_SECTION,
    ]
}

CONSULTATION = {
    "sections": [
        details_section(),
        {
            "title": "Response to the consultation",
            "fields": [
                {
                    "id": "can_meet_needs",
                    "type": "choice",
                    "label": "Can the needs set out in the draft plan be met?",
                    "options": ["Yes", "Yes, with additional resources", "No"],
                    "required": True,
                },
                {
                    "id": "reasons",
                    "type": "long_text",
                    "label": "Reasons",
                    "required": True,
                },
                {
                    "id": "draft_plan_comments",
                    "type": "long_text",
                    "label": "Comments on the health sections of the draft plan",
                },
            ],
        },
        {
            "title": "Additional provision required",
            "fields": [
                {
                    "id": "additional_provision",
                    "type": "table",
                    "label": "Additional provision",
                    "columns": [
                        {"id": "provision", "label": "Provision"},
                        {"id": "who", "label": "Who will provide this"},
                    ],
                }
            ],
        },
        AUTHOR_SECTION,
    ]
}

ANNUAL_REVIEW = {
    "sections": [
        details_section(),
        {
            "title": "Progress towards outcomes",
            "fields": [
                {
                    "id": "progress",
                    "type": "table",
                    "label": "Progress towards outcomes",
                    "required": True,
                    "columns": [
                        {"id": "outcome", "label": "Outcome"},
                        {"id": "progress", "label": "Progress"},
                    ],
                },
                {
                    "id": "needs_changed",
                    "type": "yes_no",
                    "label": "Have the child or young person’s health needs changed?",
                    "required": True,
                },
                {"id": "changes", "type": "long_text", "label": "What has changed"},
            ],
        },
        {
            "title": "Current health provision",
            "fields": [
                {
                    "id": "current_provision",
                    "type": "table",
                    "label": "Current health provision",
                    "columns": [
                        {"id": "provision", "label": "Health provision"},
                        {"id": "who", "label": "Who will provide this"},
                    ],
                }
            ],
        },
        {
            "title": "Recommendation",
            "fields": [
                {
                    "id": "recommendation",
                    "type": "choice",
                    "label": "Recommendation",
                    "options": [
                        "Maintain the plan unchanged",
                        "Amend the plan",
                        "Cease the plan",
                    ],
                    "required": True,
                },
                {"id": "recommendation_reasons", "type": "long_text", "label": "Reasons"},
            ],
        },
        AUTHOR_SECTION,
    ]
}

DEFINITIONS = {
    "EHCNA Information Gathering": EHCNA,
    "OT advice for a statutory Education Health and Care assessment": OT_ADVICE,
    "Consultation report": CONSULTATION,
    "Annual review report": ANNUAL_REVIEW,
}


def add_definitions(apps, schema_editor):
    FormDefinition = apps.get_model("portal", "FormDefinition")
    for name, definition in DEFINITIONS.items():
        FormDefinition.objects.get_or_create(
            name=name, version=1, defaults={"definition": definition, "active": True}
        )


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial")]

    operations = [migrations.RunPython(add_definitions, migrations.RunPython.noop)]
