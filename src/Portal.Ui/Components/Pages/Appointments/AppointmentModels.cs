using Portal.Ui.Components.Pages.Messages;

namespace Portal.Ui.Components.Pages.Appointments;

public enum PractitionerKind { Huisarts, Assistent, Poh }

public enum AppointmentStatus { Booked, Cancelled, Fulfilled, Noshow, Other }

public sealed record KindOption(PractitionerKind Kind, string Label);

public sealed record ReminderSetting(bool Enabled, int Hours);

public sealed record BookingInfo(string UrgentNotice, Party Patient, IReadOnlyList<KindOption> Kinds, string FirstBookableDate, string LastBookableDate,
    int CutoffHours, string PracticePhone, ReminderSetting Reminder);

public sealed record BookableAgenda(string ScheduleId, Party Practitioner, PractitionerKind Kind, bool Online, int SlotMinutes, bool Preselected);

public sealed record VisitType(string Code, string Name, int Minutes, PractitionerKind Kind, string? Preparation, string? FollowUp, bool Online, int Order);

public sealed record TimeOption(string Start, string End, string Label, bool OnlineOnly);

public sealed record AvailableDay(string Date, string Label, IReadOnlyList<TimeOption> Times);

public sealed record Availability(string FirstBookableDate, string LastBookableDate, string From, string To, IReadOnlyList<AvailableDay> Days);

public sealed record Appointment(string Id, AppointmentStatus Status, string Start, string End, string DateLocal, string TimeLocal, Party Patient,
    Party? Practitioner, string? ScheduleId, PractitionerKind? Kind, VisitType? VisitType, string? Reason, bool Web, string? CheckedAt, string BookedAt,
    string? PracticeMessage, bool CanChange, string? ChangeDeadline, string? ChangeBlockedMessage);

/// <summary>How the portal names the kinds of care provider and appointment states in Dutch.</summary>
public static class AppointmentWords
{
    public static string Kind(PractitionerKind? kind) => kind switch
    {
        PractitionerKind.Huisarts => "Huisarts",
        PractitionerKind.Assistent => "Doktersassistent",
        PractitionerKind.Poh => "Praktijkondersteuner",
        _ => "Zorgverlener",
    };

    public static string Status(AppointmentStatus status) => status switch
    {
        AppointmentStatus.Booked => "Gepland",
        AppointmentStatus.Cancelled => "Geannuleerd",
        AppointmentStatus.Fulfilled => "Geweest",
        AppointmentStatus.Noshow => "Niet verschenen",
        _ => "Anders",
    };
}
