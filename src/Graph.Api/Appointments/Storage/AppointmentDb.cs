using System.Data.Common;
using System.Globalization;
using Fhir.Server.Store;
using Fhir.Server.Store.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.Text;

namespace Graph.Api.Appointments.Storage;

/// <summary>An agenda of the practice as configured for booking.</summary>
public sealed record AgendaSetting(string ScheduleId, string OrganizationId, PractitionerKind Kind, string ActorRef, bool Online, int SlotMinutes);

/// <summary>The projection of an Appointment (current version).</summary>
public sealed record AppointmentRow(string Id, string? PatientId, string? ScheduleId, string? ActorRef, Instant? Start, Instant? End, string Status,
    string? VisitType, bool Web, Instant Created, DateTimeOffset? Checked, string? CheckedBy)
{
    public bool Active => AppointmentIndexer.IsActive(Status);
}

/// <summary>Everything the rules need for one practice, read in one go.</summary>
public sealed record PracticeRules(string OrganizationId, PracticeSettings Settings, IReadOnlyList<VisitType> VisitTypes,
    IReadOnlyList<AgendaSetting> Agendas, IReadOnlyList<AgendaWindow> Windows, IReadOnlyList<EmergencyRule> Emergency)
{
    public AgendaRules For(AgendaSetting agenda) => new(agenda.ScheduleId, agenda.Kind, agenda.Online,
        Windows.Where(w => w.ScheduleId is null || w.ScheduleId == agenda.ScheduleId).ToList(), Emergency);

    public VisitType? VisitType(string? code) => VisitTypes.FirstOrDefault(v => v.Code == code);
}

/// <summary>
/// The tables of module "appointments": booking settings per practice and the projections of Slot and
/// Appointment. Reads that must be consistent with a write run on the write session's connection.
/// </summary>
public sealed class AppointmentDb(IOptions<StorageOptions> storage, TimeProvider time) : SqliteModuleDb(storage.Value.ConnectionString)
{
    public static IReadOnlyList<SchemaMigrator.Script> Migrations { get; } =
        SchemaMigrator.FromAssembly(typeof(AppointmentDb).Assembly, "appointments", "Appointments/Storage/Migrations/Sqlite");

    /// <summary>The five visit types of seed 002 and a POH check-up, for a practice that has set none yet.</summary>
    public static IReadOnlyList<VisitType> DefaultVisitTypes { get; } =
    [
        new("consult-10", "Consult 10 minuten (1 klacht)", 10, PractitionerKind.Huisarts, null, null, true, 1),
        new("consult-20", "Consult 20 minuten (2 klachten)", 20, PractitionerKind.Huisarts, null, null, true, 2),
        new("oren-uitspuiten", "Oren uitspuiten", 10, PractitionerKind.Assistent,
            "Druppel beide oren drie dagen vóór de afspraak twee keer per dag met slaolie of oordruppels van de drogist, zodat het oorsmeer zacht wordt.",
            null, true, 3),
        new("wratten", "Wratten aanstippen", 10, PractitionerKind.Assistent, null,
            "Komt de wrat na twee weken terug, maak dan een nieuwe afspraak bij de assistente.", true, 4),
        new("uitstrijkje", "Uitstrijkje", 10, PractitionerKind.Assistent,
            "Plan de afspraak bij voorkeur niet tijdens uw menstruatie. Gebruik twee dagen vooraf geen vaginale crèmes.", null, true, 5),
        new("hechtingen-verwijderen", "Hechtingen verwijderen", 10, PractitionerKind.Assistent, null,
            "Hechtingen worden verwijderd door de assistente, niet door de huisarts: kies daarom een afspraak bij de assistente.", true, 6),
        new("poh-controle", "Controle bij de praktijkondersteuner", 20, PractitionerKind.Poh,
            "Neem uw medicijnen of medicatieoverzicht mee, en bij diabetes uw glucosedagboek.", null, true, 7),
    ];

    // ---- settings ------------------------------------------------------------------------------

    /// <summary>How long a practice's rules read outside a write are reused; changes made here clear it at once, other instances see them this late.</summary>
    public static readonly TimeSpan RulesCacheTime = TimeSpan.FromSeconds(2);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (PracticeRules Rules, DateTimeOffset Until)> _rules = new(StringComparer.Ordinal);

    /// <summary>
    /// The practice's rules. With <paramref name="connection"/> (inside a write transaction) always read
    /// fresh, so a booking is checked against the settings as they are when it commits.
    /// </summary>
    public PracticeRules Rules(string organizationId, DbConnection? connection = null)
    {
        if (connection is null && _rules.TryGetValue(organizationId, out var cached) && cached.Until > time.GetUtcNow())
            return cached.Rules;
        var rules = ReadRules(organizationId, connection);
        if (connection is null)
            _rules[organizationId] = (rules, time.GetUtcNow() + RulesCacheTime);
        return rules;
    }

    private void Changed(string organizationId) => _rules.TryRemove(organizationId, out _);

    private PracticeRules ReadRules(string organizationId, DbConnection? connection)
    {
        var own = connection is null ? Open() : null;
        var c = connection ?? own!;
        try
        {
            // Inside a write transaction only read: defaults written there could roll back with it.
            if (own is not null)
                EnsureDefaults(c, organizationId);
            var settings = Read(c, "SELECT min_days, max_days, cutoff_hours FROM appt_practice WHERE organization_id = @o",
                r => new PracticeSettings(r.GetInt32(0), r.GetInt32(1), r.GetInt32(2)), ("@o", organizationId)).DefaultIfEmpty(PracticeSettings.Default).First();
            var types = Read(c, "SELECT code, name, minutes, kind, preparation, follow_up, online, sort FROM appt_visit_type WHERE organization_id = @o ORDER BY sort, name",
                r => new VisitType(r.GetString(0), r.GetString(1), r.GetInt32(2), ParseKind(r.GetString(3)), Str(r, 4), Str(r, 5), r.GetInt64(6) != 0, r.GetInt32(7)),
                ("@o", organizationId));
            var agendas = Read(c, "SELECT schedule_id, organization_id, kind, actor_ref, online, slot_minutes FROM appt_schedule WHERE organization_id = @o ORDER BY schedule_id",
                MapAgenda, ("@o", organizationId));
            var windows = Read(c, "SELECT id, schedule_id, kind, weekday, on_date, from_time, to_time, label FROM appt_window WHERE organization_id = @o ORDER BY id",
                r => new AgendaWindow(r.GetString(0), Str(r, 1), ParseWindowKind(r.GetString(2)), r.IsDBNull(3) ? null : (IsoDayOfWeek)r.GetInt32(3),
                    Str(r, 4) is { } d ? LocalDatePattern.Iso.Parse(d).Value : null, ParseClock(r.GetString(5)), ParseClock(r.GetString(6)), Str(r, 7)),
                ("@o", organizationId));
            var emergency = Read(c, "SELECT kind, weekday, from_time, to_time, places FROM appt_emergency WHERE organization_id = @o ORDER BY weekday, from_time",
                r => new EmergencyRule(ParseKind(r.GetString(0)), (IsoDayOfWeek)r.GetInt32(1), ParseClock(r.GetString(2)), ParseClock(r.GetString(3)), r.GetInt32(4)),
                ("@o", organizationId));
            return new PracticeRules(organizationId, settings, types, agendas, windows, emergency);
        }
        finally
        {
            own?.Dispose();
        }
    }

    /// <summary>Practices with at least one agenda.</summary>
    public List<string> Organizations() => Query("SELECT DISTINCT organization_id FROM appt_schedule ORDER BY 1", r => r.GetString(0));

    public AgendaSetting? Agenda(string scheduleId, DbConnection? connection = null)
    {
        var own = connection is null ? Open() : null;
        try
        {
            return Read(connection ?? own!, "SELECT schedule_id, organization_id, kind, actor_ref, online, slot_minutes FROM appt_schedule WHERE schedule_id = @s",
                MapAgenda, ("@s", scheduleId)).FirstOrDefault();
        }
        finally
        {
            own?.Dispose();
        }
    }

    public void SavePractice(string organizationId, PracticeSettings settings)
    {
        Execute("""
        INSERT INTO appt_practice (organization_id, min_days, max_days, cutoff_hours, updated_utc) VALUES (@o, @min, @max, @cut, @t)
        ON CONFLICT (organization_id) DO UPDATE SET min_days = excluded.min_days, max_days = excluded.max_days,
            cutoff_hours = excluded.cutoff_hours, updated_utc = excluded.updated_utc
        """, ("@o", organizationId), ("@min", settings.MinDays), ("@max", settings.MaxDays), ("@cut", settings.CutoffHours), ("@t", Time(time.GetUtcNow())));
        Changed(organizationId);
    }

    public void SaveVisitType(string organizationId, VisitType v)
    {
        using var c = Open();
        EnsureDefaults(c, organizationId);
        Execute(c, """
            INSERT INTO appt_visit_type (organization_id, code, name, minutes, kind, preparation, follow_up, online, sort)
            VALUES (@o, @c, @n, @m, @k, @p, @f, @on, @s)
            ON CONFLICT (organization_id, code) DO UPDATE SET name = excluded.name, minutes = excluded.minutes, kind = excluded.kind,
                preparation = excluded.preparation, follow_up = excluded.follow_up, online = excluded.online, sort = excluded.sort
            """, ("@o", organizationId), ("@c", v.Code), ("@n", v.Name), ("@m", v.Minutes), ("@k", KindCode(v.Kind)), ("@p", v.Preparation),
            ("@f", v.FollowUp), ("@on", v.Online ? 1 : 0), ("@s", v.Order));
        Changed(organizationId);
    }

    public bool DeleteVisitType(string organizationId, string code)
    {
        var deleted = Execute("DELETE FROM appt_visit_type WHERE organization_id = @o AND code = @c", ("@o", organizationId), ("@c", code)) > 0;
        Changed(organizationId);
        return deleted;
    }

    public void SaveAgenda(AgendaSetting agenda)
    {
        Execute("""
        INSERT INTO appt_schedule (schedule_id, organization_id, kind, actor_ref, online, slot_minutes) VALUES (@s, @o, @k, @a, @on, @m)
        ON CONFLICT (schedule_id) DO UPDATE SET kind = excluded.kind, actor_ref = excluded.actor_ref, online = excluded.online, slot_minutes = excluded.slot_minutes
        """, ("@s", agenda.ScheduleId), ("@o", agenda.OrganizationId), ("@k", KindCode(agenda.Kind)), ("@a", agenda.ActorRef),
        ("@on", agenda.Online ? 1 : 0), ("@m", agenda.SlotMinutes));
        Changed(agenda.OrganizationId);
    }

    public AgendaWindow SaveWindow(string organizationId, AgendaWindow window)
    {
        var id = string.IsNullOrEmpty(window.Id) ? $"{organizationId}:{Guid.CreateVersion7():N}" : window.Id;
        Execute("""
            INSERT INTO appt_window (id, organization_id, schedule_id, kind, weekday, on_date, from_time, to_time, label)
            VALUES (@i, @o, @s, @k, @w, @d, @f, @t, @l)
            ON CONFLICT (id) DO UPDATE SET schedule_id = excluded.schedule_id, kind = excluded.kind, weekday = excluded.weekday,
                on_date = excluded.on_date, from_time = excluded.from_time, to_time = excluded.to_time, label = excluded.label
            WHERE appt_window.organization_id = excluded.organization_id
            """, ("@i", id), ("@o", organizationId), ("@s", window.ScheduleId), ("@k", WindowKindCode(window.Kind)), ("@w", window.Day is { } d ? (int)d : null),
            ("@d", window.Date is { } date ? LocalDatePattern.Iso.Format(date) : null), ("@f", FormatTime(window.From)), ("@t", FormatTime(window.To)), ("@l", window.Label));
        Changed(organizationId);
        return window with { Id = id };
    }

    public bool DeleteWindow(string organizationId, string id)
    {
        var deleted = Execute("DELETE FROM appt_window WHERE organization_id = @o AND id = @i", ("@o", organizationId), ("@i", id)) > 0;
        Changed(organizationId);
        return deleted;
    }

    /// <summary>Replaces the practice's emergency rules.</summary>
    public void SaveEmergency(string organizationId, IReadOnlyList<EmergencyRule> rules)
    {
        using var c = Open();
        Execute(c, "BEGIN IMMEDIATE");
        try
        {
            Execute(c, "DELETE FROM appt_emergency WHERE organization_id = @o", ("@o", organizationId));
            InsertEmergency(c, organizationId, rules);
            Execute(c, "COMMIT");
        }
        catch
        {
            Execute(c, "ROLLBACK");
            throw;
        }
        Changed(organizationId);
    }

    public (bool Enabled, int Hours) Reminder(string patientId) =>
        Query("SELECT enabled, hours FROM appt_reminder_setting WHERE patient_id = @p", r => (r.GetInt64(0) != 0, r.GetInt32(1)), ("@p", patientId))
            .DefaultIfEmpty((true, 24)).First();

    public void SaveReminder(string patientId, bool enabled, int hours) => Execute("""
        INSERT INTO appt_reminder_setting (patient_id, enabled, hours, updated_utc) VALUES (@p, @e, @h, @t)
        ON CONFLICT (patient_id) DO UPDATE SET enabled = excluded.enabled, hours = excluded.hours, updated_utc = excluded.updated_utc
        """, ("@p", patientId), ("@e", enabled ? 1 : 0), ("@h", hours), ("@t", Time(time.GetUtcNow())));

    // ---- projections ---------------------------------------------------------------------------

    /// <summary>The slots of agendas between two instants, with free meaning status free and unclaimed.</summary>
    public List<AgendaSlot> Slots(IReadOnlyCollection<string> scheduleIds, Instant from, Instant to) =>
        SlotRows(scheduleIds, from, to).Select(r => new AgendaSlot(r.Id, r.Start, r.End, r.Status == "free" && r.AppointmentId is null)).ToList();

    public sealed record SlotRow(string Id, string ScheduleId, Instant Start, Instant End, string Status, string? AppointmentId);

    public List<SlotRow> SlotRows(IReadOnlyCollection<string> scheduleIds, Instant from, Instant to, DbConnection? connection = null)
    {
        if (scheduleIds.Count == 0)
            return [];
        var (names, values) = InList("s", scheduleIds);
        (string, object?)[] parameters = [("@from", from.ToUnixTimeMilliseconds()), ("@to", to.ToUnixTimeMilliseconds()), .. values];
        var sql = $"""
            SELECT slot_id, schedule_id, start_ms, end_ms, status, appointment_id FROM appt_slot
            WHERE schedule_id IN ({names}) AND start_ms >= @from AND start_ms < @to ORDER BY schedule_id, start_ms
            """;
        static SlotRow Map(SqliteDataReader r) => new(r.GetString(0), r.GetString(1), Instant.FromUnixTimeMilliseconds(r.GetInt64(2)),
            Instant.FromUnixTimeMilliseconds(r.GetInt64(3)), r.GetString(4), Str(r, 5));
        return connection is null ? Query(sql, Map, parameters) : Read(connection, sql, Map, parameters);
    }

    public List<SlotRow> SlotsById(IReadOnlyList<string> slotIds, DbConnection connection)
    {
        if (slotIds.Count == 0)
            return [];
        var (names, values) = InList("s", slotIds);
        return Read(connection, $"SELECT slot_id, schedule_id, start_ms, end_ms, status, appointment_id FROM appt_slot WHERE slot_id IN ({names})",
            r => new SlotRow(r.GetString(0), r.GetString(1), Instant.FromUnixTimeMilliseconds(r.GetInt64(2)), Instant.FromUnixTimeMilliseconds(r.GetInt64(3)),
                r.GetString(4), Str(r, 5)),
            values);
    }

    public AppointmentRow? Appointment(string id, DbConnection? connection = null)
    {
        const string sql = $"SELECT {AppointmentColumns} FROM appt_appointment WHERE appointment_id = @a";
        return (connection is null ? Query(sql, MapAppointment, ("@a", id)) : Read(connection, sql, MapAppointment, ("@a", id))).FirstOrDefault();
    }

    public List<AppointmentRow> AppointmentsOfPatients(IReadOnlyCollection<string> patientIds)
    {
        if (patientIds.Count == 0)
            return [];
        var (names, values) = InList("p", patientIds);
        return Query($"SELECT {AppointmentColumns} FROM appt_appointment WHERE patient_id IN ({names}) ORDER BY start_ms",
            MapAppointment, values);
    }

    public List<AppointmentRow> AppointmentsOfSchedules(IReadOnlyCollection<string> scheduleIds, Instant from, Instant to)
    {
        if (scheduleIds.Count == 0)
            return [];
        var (names, values) = InList("s", scheduleIds);
        (string, object?)[] parameters = [("@from", from.ToUnixTimeMilliseconds()), ("@to", to.ToUnixTimeMilliseconds()), .. values];
        return Query($"""
            SELECT {AppointmentColumns} FROM appt_appointment
            WHERE schedule_id IN ({names}) AND start_ms >= @from AND start_ms < @to ORDER BY start_ms
            """, MapAppointment, parameters);
    }

    /// <summary>Web appointments of these agendas that staff have not checked yet, oldest booking first.</summary>
    public List<AppointmentRow> UncheckedWeb(IReadOnlyCollection<string> scheduleIds)
    {
        if (scheduleIds.Count == 0)
            return [];
        var (names, values) = InList("s", scheduleIds);
        return Query($"""
            SELECT {AppointmentColumns} FROM appt_appointment
            WHERE web = 1 AND checked_utc IS NULL AND status NOT IN ('cancelled', 'entered-in-error', 'noshow') AND schedule_id IN ({names})
            ORDER BY created_ms
            """, MapAppointment, values);
    }

    /// <summary>Web appointments booked in [from, to) per agenda (cancelled ones included: they were made).</summary>
    public List<(string ScheduleId, int Count, int Cancelled)> WebCounts(IReadOnlyCollection<string> scheduleIds, Instant from, Instant to)
    {
        if (scheduleIds.Count == 0)
            return [];
        var (names, values) = InList("s", scheduleIds);
        (string, object?)[] parameters = [("@from", from.ToUnixTimeMilliseconds()), ("@to", to.ToUnixTimeMilliseconds()), .. values];
        return Query($"""
            SELECT schedule_id, COUNT(*), SUM(CASE WHEN status = 'cancelled' THEN 1 ELSE 0 END) FROM appt_appointment
            WHERE web = 1 AND created_ms >= @from AND created_ms < @to AND schedule_id IN ({names})
            GROUP BY schedule_id
            """, r => (r.GetString(0), r.GetInt32(1), r.GetInt32(2)), parameters);
    }

    /// <summary>Booked appointments starting in [from, to): candidates for a reminder.</summary>
    public List<AppointmentRow> Upcoming(Instant from, Instant to) =>
        Query($"SELECT {AppointmentColumns} FROM appt_appointment WHERE status = 'booked' AND start_ms >= @f AND start_ms < @t ORDER BY start_ms",
            MapAppointment, ("@f", from.ToUnixTimeMilliseconds()), ("@t", to.ToUnixTimeMilliseconds()));

    public bool MarkChecked(string appointmentId, string byRef) =>
        Execute("UPDATE appt_appointment SET checked_utc = @t, checked_by = @b WHERE appointment_id = @a AND web = 1",
            ("@t", Time(time.GetUtcNow())), ("@b", byRef), ("@a", appointmentId)) > 0;

    internal static void UpsertSlot(DbConnection c, string slotId, string scheduleId, Instant start, Instant end, string status) => Execute(c, """
        INSERT INTO appt_slot (slot_id, schedule_id, start_ms, end_ms, status) VALUES (@i, @s, @b, @e, @st)
        ON CONFLICT (slot_id) DO UPDATE SET schedule_id = excluded.schedule_id, start_ms = excluded.start_ms, end_ms = excluded.end_ms, status = excluded.status
        """, ("@i", slotId), ("@s", scheduleId), ("@b", start.ToUnixTimeMilliseconds()), ("@e", end.ToUnixTimeMilliseconds()), ("@st", status));

    internal static void DeleteSlot(DbConnection c, string slotId) => Execute(c, "DELETE FROM appt_slot WHERE slot_id = @i", ("@i", slotId));

    /// <summary>Claims a slot for an appointment; false when it is unknown, not free, or held by another appointment.</summary>
    internal static bool Claim(DbConnection c, string slotId, string appointmentId) => Execute(c, """
        UPDATE appt_slot SET appointment_id = @a
        WHERE slot_id = @s AND (appointment_id = @a OR (appointment_id IS NULL AND status = 'free'))
        """, ("@a", appointmentId), ("@s", slotId)) == 1;

    internal static List<string> HeldBy(DbConnection c, string appointmentId) =>
        Read(c, "SELECT slot_id FROM appt_slot WHERE appointment_id = @a ORDER BY start_ms", r => r.GetString(0), ("@a", appointmentId));

    internal static List<string> Release(DbConnection c, string appointmentId, IReadOnlyCollection<string> keep)
    {
        var held = Read(c, "SELECT slot_id FROM appt_slot WHERE appointment_id = @a", r => r.GetString(0), ("@a", appointmentId));
        var released = held.Where(s => !keep.Contains(s)).ToList();
        foreach (var slot in released)
            Execute(c, "UPDATE appt_slot SET appointment_id = NULL WHERE slot_id = @s AND appointment_id = @a", ("@s", slot), ("@a", appointmentId));
        return released;
    }

    internal static void UpsertAppointment(DbConnection c, AppointmentRow a) => Execute(c, """
        INSERT INTO appt_appointment (appointment_id, patient_id, schedule_id, actor_ref, start_ms, end_ms, status, visit_type, web, created_ms)
        VALUES (@a, @p, @s, @actor, @b, @e, @st, @v, @w, @c)
        ON CONFLICT (appointment_id) DO UPDATE SET patient_id = excluded.patient_id, schedule_id = excluded.schedule_id, actor_ref = excluded.actor_ref,
            start_ms = excluded.start_ms, end_ms = excluded.end_ms, status = excluded.status, visit_type = excluded.visit_type,
            web = MAX(appt_appointment.web, excluded.web)
        """, ("@a", a.Id), ("@p", a.PatientId), ("@s", a.ScheduleId), ("@actor", a.ActorRef), ("@b", a.Start?.ToUnixTimeMilliseconds()),
        ("@e", a.End?.ToUnixTimeMilliseconds()), ("@st", a.Status), ("@v", a.VisitType), ("@w", a.Web ? 1 : 0), ("@c", a.Created.ToUnixTimeMilliseconds()));

    internal static void DeleteAppointment(DbConnection c, string id) =>
        Execute(c, "UPDATE appt_appointment SET status = 'entered-in-error' WHERE appointment_id = @a", ("@a", id));

    // ---- plumbing ------------------------------------------------------------------------------

    private const string AppointmentColumns =
        "appointment_id, patient_id, schedule_id, actor_ref, start_ms, end_ms, status, visit_type, web, created_ms, checked_utc, checked_by";

    private static AppointmentRow MapAppointment(SqliteDataReader r) => new(r.GetString(0), Str(r, 1), Str(r, 2), Str(r, 3),
        r.IsDBNull(4) ? null : Instant.FromUnixTimeMilliseconds(r.GetInt64(4)), r.IsDBNull(5) ? null : Instant.FromUnixTimeMilliseconds(r.GetInt64(5)),
        r.GetString(6), Str(r, 7), r.GetInt64(8) != 0, Instant.FromUnixTimeMilliseconds(r.GetInt64(9)),
        r.IsDBNull(10) ? null : SqliteModuleDb.ParseTime(r.GetString(10)), Str(r, 11));

    private static AgendaSetting MapAgenda(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), ParseKind(r.GetString(2)), r.GetString(3), r.GetInt64(4) != 0, r.GetInt32(5));

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _ensured = new(StringComparer.Ordinal);

    /// <summary>A practice without settings gets the defaults, once; checked once per practice per process.</summary>
    private void EnsureDefaults(DbConnection c, string organizationId)
    {
        if (_ensured.ContainsKey(organizationId))
            return;
        if (Read(c, "SELECT COUNT(*) FROM appt_visit_type WHERE organization_id = @o", r => r.GetInt64(0), ("@o", organizationId))[0] == 0
            && Read(c, "SELECT COUNT(*) FROM appt_practice WHERE organization_id = @o", r => r.GetInt64(0), ("@o", organizationId))[0] == 0)
        {
            foreach (var v in DefaultVisitTypes)
            {
                Execute(c, """
                    INSERT OR IGNORE INTO appt_visit_type (organization_id, code, name, minutes, kind, preparation, follow_up, online, sort)
                    VALUES (@o, @c, @n, @m, @k, @p, @f, @on, @s)
                    """, ("@o", organizationId), ("@c", v.Code), ("@n", v.Name), ("@m", v.Minutes), ("@k", KindCode(v.Kind)), ("@p", v.Preparation),
                    ("@f", v.FollowUp), ("@on", v.Online ? 1 : 0), ("@s", v.Order));
            }
            InsertEmergency(c, organizationId, EmergencyRule.Defaults);
            var d = PracticeSettings.Default;
            Execute(c, "INSERT OR IGNORE INTO appt_practice (organization_id, min_days, max_days, cutoff_hours, updated_utc) VALUES (@o, @min, @max, @cut, @t)",
                ("@o", organizationId), ("@min", d.MinDays), ("@max", d.MaxDays), ("@cut", d.CutoffHours), ("@t", Time(time.GetUtcNow())));
        }
        _ensured.TryAdd(organizationId, true);
    }

    private static void InsertEmergency(DbConnection c, string organizationId, IReadOnlyList<EmergencyRule> rules)
    {
        foreach (var rule in rules)
        {
            Execute(c, "INSERT INTO appt_emergency (organization_id, kind, weekday, from_time, to_time, places) VALUES (@o, @k, @w, @f, @t, @p)",
                ("@o", organizationId), ("@k", KindCode(rule.Kind)), ("@w", (int)rule.Day), ("@f", FormatTime(rule.From)), ("@t", FormatTime(rule.To)), ("@p", rule.Places));
        }
    }

    /// <summary>A statement on a connection the caller holds (the write session's, inside its transaction).</summary>
    /// <remarks>Compiled once per connection (<see cref="SqliteModuleDb.Reused"/>): these run for every Slot and Appointment written.</remarks>
    public static int Execute(DbConnection connection, string sql, params (string Name, object? Value)[] parameters) =>
        Reused((SqliteConnection)connection, sql, parameters).ExecuteNonQuery();

    private static List<T> Read<T>(DbConnection connection, string sql, Func<SqliteDataReader, T> map, params (string Name, object? Value)[] parameters)
    {
        using var reader = Reused((SqliteConnection)connection, sql, parameters).ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
            rows.Add(map(reader));
        return rows;
    }

    private static string? Str(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    public static LocalTime ParseClock(string text) => LocalTimePattern.CreateWithInvariantCulture("HH:mm").Parse(text).Value;

    public static string FormatTime(LocalTime time) => time.ToString("HH:mm", CultureInfo.InvariantCulture);

    public static PractitionerKind ParseKind(string code) => code switch
    {
        "assistent" => PractitionerKind.Assistent,
        "poh" => PractitionerKind.Poh,
        _ => PractitionerKind.Huisarts,
    };

    public static string KindCode(PractitionerKind kind) => kind switch
    {
        PractitionerKind.Assistent => "assistent",
        PractitionerKind.Poh => "poh",
        _ => "huisarts",
    };

    public static WindowKind ParseWindowKind(string code) => code switch
    {
        "online" => WindowKind.Online,
        "online-only" => WindowKind.OnlineOnly,
        "hidden" => WindowKind.Hidden,
        _ => WindowKind.Spreekuur,
    };

    public static string WindowKindCode(WindowKind kind) => kind switch
    {
        WindowKind.Online => "online",
        WindowKind.OnlineOnly => "online-only",
        WindowKind.Hidden => "hidden",
        _ => "spreekuur",
    };
}
