using Portal.Ui.Components.Pages.Appointments;
using Portal.Ui.Components.Pages.Messages;

namespace Portal.Ui.Components.Pages.PracticeAgenda;

/// <summary>The GraphQL operations of the practice's appointment screens, and the answers they are read into.</summary>
internal static class AgendaOperations
{
    public const string Agendas = "query Agendas { appointmentSettings { agendas { scheduleId practitioner { reference display } kind online slotMinutes preselected } } }";

    public sealed record AgendasSettings(IReadOnlyList<BookableAgenda> Agendas);

    public sealed record AgendasData(AgendasSettings AppointmentSettings);

    public const string Agenda = "query Agenda($from: String!, $days: Int!, $scheduleId: ID) { agenda(from: $from, days: $days, scheduleId: $scheduleId) { " +
        "scheduleId practitioner { reference display } kind date label freeCount slots { slotId start end timeLocal status onlineOnly online hidden hiddenLabel " +
        "appointment { " + AppointmentOperations.AppointmentFields + " } } } }";

    public sealed record AgendaSlot(string SlotId, string Start, string End, string TimeLocal, string Status, bool OnlineOnly, bool Online, bool Hidden,
        string? HiddenLabel, Appointment? Appointment);

    public sealed record AgendaDay(string ScheduleId, Party Practitioner, PractitionerKind Kind, string Date, string Label, IReadOnlyList<AgendaSlot> Slots, int FreeCount);

    public sealed record AgendaData(IReadOnlyList<AgendaDay> Agenda);

    public const string NewWeb = "query NewWeb { newWebAppointments { " + AppointmentOperations.AppointmentFields + " } }";

    public sealed record NewWebData(IReadOnlyList<Appointment> NewWebAppointments);

    public const string MarkChecked = "mutation Checked($id: ID!) { markAppointmentChecked(id: $id) { id checkedAt } }";

    public sealed record CheckedState(string Id, string? CheckedAt);

    public sealed record MarkCheckedData(CheckedState MarkAppointmentChecked);

    public const string CancelByPractice = "mutation CancelByPractice($id: ID!, $message: String!) { cancelAppointmentByPractice(id: $id, message: $message) { id status } }";

    public sealed record StatusOnly(string Id, AppointmentStatus Status);

    public sealed record CancelByPracticeData(StatusOnly CancelAppointmentByPractice);

    public const string Move = "mutation Move($id: ID!, $scheduleId: ID!, $start: String!, $message: String) { moveAppointment(id: $id, scheduleId: $scheduleId, start: $start, message: $message) { id start } }";

    public sealed record Moved(string Id, string Start);

    public sealed record MoveData(Moved MoveAppointment);

    public const string MoveBase = "query MoveBase($id: ID!) { appointment(id: $id) { " + AppointmentOperations.AppointmentFields + " } " +
        "appointmentSettings { agendas { scheduleId practitioner { reference display } kind online slotMinutes preselected } } }";

    public sealed record MoveBaseData(Appointment? Appointment, AgendasSettings AppointmentSettings);

    public const string Counts = "query Counts($month: String!) { webAppointmentCounts(month: $month) { scheduleId practitioner { reference display } booked cancelled } }";

    public sealed record WebCount(string ScheduleId, Party Practitioner, int Booked, int Cancelled);

    public sealed record CountsData(IReadOnlyList<WebCount> WebAppointmentCounts);

    public const string Settings = "query Settings { appointmentSettings { minDays maxDays cutoffHours " +
        "visitTypes { code name minutes kind preparation followUp online order } " +
        "agendas { scheduleId practitioner { reference display } kind online slotMinutes preselected } " +
        "windows { id scheduleId kind weekday date from to label } emergencyRules { kind weekday from to places } } }";

    public sealed record AgendaWindow(string Id, string? ScheduleId, string Kind, int? Weekday, string? Date, string From, string To, string? Label);

    public sealed record EmergencyRule(PractitionerKind Kind, int Weekday, string From, string To, int Places);

    public sealed record SettingsView(int MinDays, int MaxDays, int CutoffHours, IReadOnlyList<VisitType> VisitTypes, IReadOnlyList<BookableAgenda> Agendas,
        IReadOnlyList<AgendaWindow> Windows, IReadOnlyList<EmergencyRule> EmergencyRules);

    public sealed record SettingsData(SettingsView AppointmentSettings);

    public const string SaveRules = "mutation SaveRules($minDays: Int!, $maxDays: Int!, $cutoffHours: Int!) { savePracticeBookingSettings(minDays: $minDays, maxDays: $maxDays, cutoffHours: $cutoffHours) { minDays } }";

    public const string SaveVisitType = "mutation SaveVisitType($input: VisitTypeInput!) { saveVisitType(input: $input) { code } }";

    public const string DeleteVisitType = "mutation DeleteVisitType($code: ID!) { deleteVisitType(code: $code) }";

    public const string SaveAgenda = "mutation SaveAgenda($scheduleId: ID!, $kind: PractitionerKind!, $online: Boolean!, $slotMinutes: Int) { saveAgendaSetting(scheduleId: $scheduleId, kind: $kind, online: $online, slotMinutes: $slotMinutes) { scheduleId } }";

    public const string SaveWindow = "mutation SaveWindow($input: AgendaWindowInput!) { saveAgendaWindow(input: $input) { id } }";

    public const string DeleteWindow = "mutation DeleteWindow($id: ID!) { deleteAgendaWindow(id: $id) }";

    public const string SaveEmergency = "mutation SaveEmergency($rules: [EmergencyRuleInput!]!) { saveEmergencyRules(rules: $rules) { places } }";

    public const string GenerateSlots = "mutation GenerateSlots($days: Int) { generateSlots(days: $days) }";

    /// <summary>Mutations whose answer the settings page does not read: it reloads the settings after each.</summary>
    public sealed record Done;
}
