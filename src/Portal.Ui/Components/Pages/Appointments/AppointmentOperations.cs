namespace Portal.Ui.Components.Pages.Appointments;

/// <summary>The GraphQL operations of Mijn afspraken (and the practice's appointment screens), and the answers they are read into.</summary>
internal static class AppointmentOperations
{
    public const string AppointmentFields = "id status start end dateLocal timeLocal patient { reference display } practitioner { reference display } scheduleId kind " +
        "visitType { code name minutes kind preparation followUp online order } reason web checkedAt bookedAt practiceMessage canChange changeDeadline changeBlockedMessage";

    private const string BookingFields = "urgentNotice patient { reference display } kinds { kind label } firstBookableDate lastBookableDate cutoffHours practicePhone reminder { enabled hours }";

    public const string Overview = "query Overview($when: AppointmentTime!, $patientId: ID) { appointmentBooking(patientId: $patientId) { " + BookingFields + " } " +
        "myAppointments(when: $when, patientId: $patientId) { " + AppointmentFields + " } actingFor { patientId display self } }";

    public sealed record Person(string PatientId, string Display, bool Self);

    public sealed record OverviewData(BookingInfo AppointmentBooking, IReadOnlyList<Appointment> MyAppointments, IReadOnlyList<Person> ActingFor);

    public const string Booking = "query Booking($patientId: ID) { appointmentBooking(patientId: $patientId) { " + BookingFields + " } }";

    public sealed record BookingData(BookingInfo AppointmentBooking);

    public const string Practitioners = "query Practitioners($kind: PractitionerKind!, $patientId: ID) { bookablePractitioners(kind: $kind, patientId: $patientId) { " +
        "scheduleId practitioner { reference display } kind online slotMinutes preselected } }";

    public sealed record PractitionersData(IReadOnlyList<BookableAgenda> BookablePractitioners);

    public const string VisitTypes = "query VisitTypes($kind: PractitionerKind, $patientId: ID) { visitTypes(kind: $kind, patientId: $patientId) { code name minutes kind preparation followUp online order } }";

    public sealed record VisitTypesData(IReadOnlyList<VisitType> VisitTypes);

    public const string Availability = "query Availability($scheduleId: ID!, $visitType: ID!, $from: String, $to: String, $patientId: ID) { " +
        "availability(scheduleId: $scheduleId, visitType: $visitType, from: $from, to: $to, patientId: $patientId) { firstBookableDate lastBookableDate from to " +
        "days { date label times { start end label onlineOnly } } } }";

    public sealed record AvailabilityData(Availability Availability);

    public const string Book = "mutation Book($input: BookAppointmentInput!) { bookAppointment(input: $input) { " + AppointmentFields + " } }";

    public sealed record BookData(Appointment BookAppointment);

    public const string One = "query One($id: ID!) { appointment(id: $id) { " + AppointmentFields + " } }";

    public sealed record OneData(Appointment? Appointment);

    public const string OneWithBooking = "query OneWithBooking($id: ID!) { appointment(id: $id) { " + AppointmentFields + " } appointmentBooking { " + BookingFields + " } }";

    public sealed record OneWithBookingData(Appointment? Appointment, BookingInfo AppointmentBooking);

    public const string CalendarFile = "query CalendarFile($id: ID!) { appointment(id: $id) { calendarFile } }";

    public sealed record CalendarText(string CalendarFile);

    public sealed record CalendarFileData(CalendarText? Appointment);

    public const string Reschedule = "mutation Reschedule($id: ID!, $start: String!) { rescheduleAppointment(id: $id, start: $start) { " + AppointmentFields + " } }";

    public sealed record RescheduleData(Appointment RescheduleAppointment);

    public const string Cancel = "mutation Cancel($id: ID!) { cancelAppointment(id: $id) { " + AppointmentFields + " } }";

    public sealed record CancelData(Appointment CancelAppointment);
}
