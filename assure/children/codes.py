"""SSDA903 codes and the product's own enumerations, with the meaning shown to users.

Historic codes stay valid so that old returns load: REC E43/E44 (SGO before 2018), PLACE Z1
(split into Z11 to Z14 from 2025/26), SEX 1/2 (M/F/U from 2024/25).
"""

from django.db import models


class ReasonNewEpisode(models.TextChoices):
    S = "S", "Started to be looked after"
    L = "L", "Change of legal status only"
    P = "P", "Change of placement and carer"
    T = "T", "Change of placement, same carer"
    B = "B", "Change of legal status and placement and carer"
    U = "U", "Change of legal status and placement, same carer"


class LegalStatus(models.TextChoices):
    C1 = "C1", "Interim care order"
    C2 = "C2", "Full care order"
    D1 = "D1", "Freeing order granted"
    E1 = "E1", "Placement order granted"
    V2 = "V2", "Accommodated under section 20 (single period)"
    V3 = "V3", "Accommodated under an agreed series of short-term breaks (single placements)"
    V4 = "V4", "Accommodated under an agreed series of short-term breaks (multiple placements)"
    L1 = "L1", "Under police protection"
    L2 = "L2", "Emergency protection order"
    L3 = "L3", "Child assessment order"
    J1 = "J1", "Remanded to local authority accommodation or youth detention accommodation"
    J2 = "J2", "Placed in local authority accommodation under PACE"
    J3 = "J3", "Sentenced to a youth rehabilitation order with residence or fostering requirement"


class CategoryOfNeed(models.TextChoices):
    N1 = "N1", "Abuse or neglect"
    N2 = "N2", "Child's disability"
    N3 = "N3", "Parental illness or disability"
    N4 = "N4", "Family in acute stress"
    N5 = "N5", "Family dysfunction"
    N6 = "N6", "Socially unacceptable behaviour"
    N7 = "N7", "Low income"
    N8 = "N8", "Absent parenting"


class PlacementType(models.TextChoices):
    A3 = "A3", "Placed for adoption with parental consent with current foster carer"
    A4 = "A4", "Placed for adoption with parental consent not with current foster carer"
    A5 = "A5", "Placed for adoption with placement order with current foster carer"
    A6 = "A6", "Placed for adoption with placement order not with current foster carer"
    H5 = "H5", "Semi-independent living accommodation (historic)"
    K1 = "K1", "Secure children's home"
    K2 = "K2", "Children's home"
    K3 = "K3", "Registered supported accommodation"
    P1 = "P1", "Placed with own parents or other person with parental responsibility"
    P2 = "P2", "Independent living"
    P3 = "P3", "Residential employment"
    R1 = "R1", "Residential care home"
    R2 = "R2", "NHS or health trust or other establishment providing medical or nursing care"
    R3 = "R3", "Family centre or mother and baby unit"
    R5 = "R5", "Young offender institution or prison"
    S1 = (
        "S1",
        "All residential schools, except where dual-registered as a school and children's home",
    )
    T0 = "T0", "Temporary placement: all types"
    T1 = "T1", "Temporary periods in hospital"
    T2 = "T2", "Temporary absences of the child on holiday"
    T3 = "T3", "Temporary accommodation whilst normal foster carer is on holiday"
    T4 = "T4", "Temporary accommodation of seven days or less"
    U1 = "U1", "Foster placement with relative or friend: long-term fostering"
    U2 = "U2", "Foster placement with relative or friend who is also an approved adopter (FFA)"
    U3 = "U3", "Foster placement with relative or friend: not long-term or FFA"
    U4 = "U4", "Foster placement with other foster carer: long-term fostering"
    U5 = "U5", "Foster placement with other foster carer who is also an approved adopter (FFA)"
    U6 = "U6", "Foster placement with other foster carer: not long-term or FFA"
    Z1 = "Z1", "Other placement (historic)"
    Z11 = "Z11", "Other placement: custodial setting"
    Z12 = "Z12", "Other placement: unregistered children's home"
    Z13 = "Z13", "Other placement: unregistered supported accommodation"
    Z14 = "Z14", "Other placement: other"


FOSTER_PLACEMENTS = frozenset({"U1", "U2", "U3", "U4", "U5", "U6"})


class PlacementProvider(models.TextChoices):
    PR0 = "PR0", "Parents or other person with parental responsibility"
    PR1 = "PR1", "Own provision by the local authority"
    PR2 = "PR2", "Other local authority provision"
    PR3 = "PR3", "Other public provision"
    PR4 = "PR4", "Private provision"
    PR5 = "PR5", "Voluntary or third sector provision"


class ReasonCeased(models.TextChoices):
    X1 = "X1", "Episode ceased, child remains looked after"
    E11 = "E11", "Adopted: application unopposed"
    E12 = "E12", "Adopted: consent dispensed with by the court"
    E13 = "E13", "Left care to live with a person without parental responsibility"
    E2 = "E2", "Died"
    E3 = "E3", "Care taken over by another local authority"
    E4A = "E4A", "Returned home to parents as part of the care plan"
    E4B = "E4B", "Returned home to parents not as part of the care plan"
    E41 = "E41", "Residence order or child arrangements order granted"
    E43 = "E43", "Special guardianship order to former foster carers (historic)"
    E44 = "E44", "Special guardianship order to carers other than former foster carers (historic)"
    E45 = "E45", "Special guardianship order to former foster carer who is a relative or friend"
    E46 = "E46", "Special guardianship order to former foster carer who is not a relative or friend"
    E47 = "E47", "Special guardianship order to other carer who is a relative or friend"
    E48 = "E48", "Special guardianship order to other carer who is not a relative or friend"
    E5 = "E5", "Moved into independent living (supportive accommodation)"
    E6 = "E6", "Moved into independent living (no formalised support)"
    E7 = "E7", "Transferred to residential care funded by adult social care"
    E8 = "E8", "Period of being looked after ceased for any other reason"
    E9 = "E9", "Sentenced to custody"
    E14 = "E14", "Accommodation on remand ended"
    E15 = "E15", "Age assessment determined child is aged 18 or over"
    E16 = "E16", "Child moved abroad"
    E17 = "E17", "Aged 18 and remained with current carers (staying put)"


class ReasonPlacedCeased(models.TextChoices):
    """Why a child should no longer be placed for adoption (PlacedAdoption's
    REASON_PLACED_CEASED, Annex A list 10), in the words of the DfE's guide to the return."""

    RD1 = "RD1", "The child's needs changed subsequent to the decision"
    RD2 = "RD2", "The court did not make a placement order"
    RD3 = "RD3", "Prospective adopters could not be found"
    RD4 = "RD4", "Any other reason"


class ReasonPlaceChange(models.TextChoices):
    ALLEG = "ALLEG", "Allegation (s47)"
    APPRR = "APPRR", "Approval removed"
    CARPL = "CARPL", "Change to, or implementation of, care plan"
    CLOSE = "CLOSE", "Resignation or closure of provision"
    CUSTOD = "CUSTOD", "Custody arrangement"
    CREQB = "CREQB", "Carer requests placement end due to child's behaviour"
    CREQO = "CREQO", "Carer requests placement end, other than due to child's behaviour"
    CHILD = "CHILD", "Child requests placement end"
    LAREQ = "LAREQ", "Responsible or area authority requests placement end"
    OTHER = "OTHER", "Other"
    PLACE = "PLACE", "Change in the status of placement only"
    STAND = "STAND", "Standards of care concern"


class Sex(models.TextChoices):
    MALE = "M", "Male"
    FEMALE = "F", "Female"
    UNKNOWN = "U", "Not known"


class PreviousPermanence(models.TextChoices):
    P1 = "P1", "Adoption"
    P2 = "P2", "Special guardianship order"
    P3 = "P3", "Residence order or child arrangements order"
    P4 = "P4", "Unknown"
    Z1 = "Z1", "None"


class ReviewCode(models.TextChoices):
    PN0 = "PN0", "Child aged under 4 at the time of the review"
    PN1 = "PN1", "Child physically attended and spoke for themselves"
    PN2 = "PN2", "Child physically attended, an advocate spoke on their behalf"
    PN3 = "PN3", "Child physically attended, conveyed views symbolically"
    PN4 = "PN4", "Child physically attended but did not convey views"
    PN5 = "PN5", "Child did not attend, briefed an advocate to speak for them"
    PN6 = "PN6", "Child did not attend, conveyed views by another method"
    PN7 = "PN7", "Child did not attend or convey views"


class Ethnicity(models.TextChoices):
    WBRI = "WBRI", "White British"
    WIRI = "WIRI", "White Irish"
    WOTH = "WOTH", "Any other White background"
    WIRT = "WIRT", "Traveller of Irish heritage"
    WROM = "WROM", "Gypsy/Roma"
    MWBC = "MWBC", "White and Black Caribbean"
    MWBA = "MWBA", "White and Black African"
    MWAS = "MWAS", "White and Asian"
    MOTH = "MOTH", "Any other mixed background"
    AIND = "AIND", "Indian"
    APKN = "APKN", "Pakistani"
    ABAN = "ABAN", "Bangladeshi"
    AOTH = "AOTH", "Any other Asian background"
    BCRB = "BCRB", "Caribbean"
    BAFR = "BAFR", "African"
    BOTH = "BOTH", "Any other Black background"
    CHNE = "CHNE", "Chinese"
    OOTH = "OOTH", "Any other ethnic group"
    REFU = "REFU", "Refused"
    NOBT = "NOBT", "Information not yet obtained"


class ApplicationType(models.TextChoices):
    CARE = "care", "Care order"
    SUPERVISION = "supervision", "Supervision order"
    PLACEMENT = "placement", "Placement order"
    SGO = "sgo", "Special guardianship order"
    CAO = "cao", "Child arrangements order"
    DISCHARGE = "discharge", "Discharge of care order"
    OTHER = "other", "Other"


class ProceedingsStatus(models.TextChoices):
    OPEN = "open", "Open"
    CONCLUDED = "concluded", "Concluded"
    WITHDRAWN = "withdrawn", "Withdrawn"


class HearingType(models.TextChoices):
    CMH = "cmh", "Case management hearing"
    FCMH = "fcmh", "Further case management hearing"
    IRH = "irh", "Issues resolution hearing"
    FINAL = "final", "Final hearing"
    OTHER = "other", "Other hearing"


class PermanencePlanType(models.TextChoices):
    ADOPTION = "adoption", "Adoption"
    SGO = "sgo", "Special guardianship order"
    CAO = "cao", "Child arrangements order"
    # Ofsted Annex A's list 8 has one option for both orders: kept as given, not guessed.
    SGO_CAO = "sgo_cao", "SGO or child arrangements order"
    LONG_TERM_FOSTERING = "long_term_fostering", "Long-term fostering"
    RETURN_HOME = "return_home", "Return to family"
    PLACEMENT_WITH_PARENTS = "placement_with_parents", "Placement with parents"
    REVOCATION = "revocation", "Revocation of the care order"
    RESIDENTIAL = "residential", "Long-term residential care"
    SUPPORTED_LIVING = "supported_living", "Supported living"
    OTHER = "other", "Other"


class CarerRelationship(models.TextChoices):
    RELATIVE = "relative", "Relative"
    FRIEND = "friend", "Friend"
    FOSTER_CARER = "foster_carer", "Foster carer"
    OTHER = "other", "Other"


class AssessmentStage(models.TextChoices):
    VIABILITY = "viability", "Viability assessment"
    FULL = "full", "Full assessment"


class AssessmentRecommendation(models.TextChoices):
    POSITIVE = "positive", "Positive"
    NEGATIVE = "negative", "Negative"
    WITHDRAWN = "withdrawn", "Withdrawn"


def describe(choices: type[models.TextChoices], code: str | None) -> str:
    """ "C2: Full care order" for a known code, the code alone for an unknown one."""
    if not code:
        return ""
    try:
        return f"{code}: {choices(code).label}"
    except ValueError:
        return code
