using System.Text.Json;
using System.Text.Json.Nodes;
using Fhir.Server.Features.Outcomes;
using Fhir.Server.Features.Resources;
using Fhir.Server.Features.Security;
using Fhir.Server.Search;
using Graph.Api.Calendar;
using Identity.Access;
using NodaTime;

namespace Graph.Api.Messaging;

public enum Worklist { All, Unassigned, Mine, Practitioner }

public enum PatientFolder { Inbox, Pending, System, Deleted }

public enum InboxSort { DueDate, ReceivedOldestFirst, ReceivedNewestFirst }

/// <summary>Which threads of the staff inbox: a worklist, optionally only (not) overdue or (not) unread for the caller, in an order.</summary>
public sealed record InboxFilter(Worklist Worklist = Worklist.All, string? Practitioner = null, bool? Overdue = null, bool? Unread = null, InboxSort Sort = InboxSort.DueDate);

/// <summary>Someone a patient may act for in the portal: themselves, or a child the WGBO rules allow now.</summary>
public sealed record ActingFor(string PatientId, string Display, bool Self, LocalDate? BirthDate);

public sealed record AttachmentUpload(string? FileName, string? ContentBase64);

/// <summary>A new e-consult; <paramref name="PatientId"/> is whom it is about (a child the caller may act for), default the caller.</summary>
public sealed record SendEConsult(QuestionKind Kind, string? Recipient, string? Topic, string? Text, IReadOnlyList<AttachmentUpload>? Attachments, string? PatientId = null);

public sealed record PracticeAnswer(string ThreadId, string? Text, string? TemplateId, bool CloseForPatient, string? OnBehalfOf, LocalDate? ExpectedAnswerDate,
    IReadOnlyList<AttachmentUpload>? Attachments);

public sealed record PracticeMessage(string PatientId, string? Topic, string? Text, bool CloseForPatient, IReadOnlyList<AttachmentUpload>? Attachments);

public sealed record Recipient(string Reference, string Display, string Role, bool IsGroup, bool Preselected);

public sealed record FolderItem(EConsultMessage Message, EConsultThread Thread, MessageState State);

/// <summary>Counts of one week; <paramref name="BecameOverdue"/>: threads whose due date passed in the week while they waited (deadline watch).</summary>
public sealed record WeeklyCounts(LocalDate WeekStart, int Received, int Answered, int HandledWithoutReply, int? MedianAnswerMinutes, int OpenOverdue, int BecameOverdue);

/// <summary>
/// E-consults as FHIR Communication threads. Reads go through search, every write through
/// <see cref="ResourceService"/> (validation, versioning, indexing, audit), and every resource the
/// caller touches through <see cref="IFhirAccessPolicy"/>. Per-user state lives in <see cref="PortalState"/>.
/// </summary>
public sealed class MessagingService(
    ResourceService resources,
    IFhirSearch search,
    IFhirAccessPolicy policy,
    PortalState state,
    ProxyAccess proxies,
    TimeProvider time)
{
    private const string Communication = "Communication";
    private const int MaxResults = 1000;

    // ---- reading -------------------------------------------------------------------------------

    /// <summary>
    /// Patients: the threads of one record, the caller's own or a child's they may act for
    /// (<paramref name="patientId"/>); every portal message of that record.
    /// </summary>
    public async Task<List<EConsultThread>> PatientThreadsAsync(PortalCaller caller, string? patientId, CancellationToken ct)
    {
        var patient = await PatientOfAsync(caller, patientId, ct);
        return await VisibleThreadsAsync(caller, await MessagesOfPatientsAsync([patient], ct), ct);
    }

    /// <summary>
    /// The threads holding these messages that the caller may see (the policy decides: a patient's own
    /// and their children's as the WGBO allows, staff their practice's); others are left out, not reported.
    /// </summary>
    public async Task<List<EConsultThread>> ThreadsContainingAsync(PortalCaller caller, IReadOnlyList<string> messageIds, CancellationToken ct)
    {
        Check(caller, FhirInteraction.Read);
        var ids = messageIds.Distinct(StringComparer.Ordinal).ToList();
        if (ids.Count == 0)
            return [];
        var found = await SearchAsync(Communication, $"_id={string.Join(',', ids.Select(Uri.EscapeDataString))}&{KnownEConsult.CategoryQuery}&_count={MaxResults}", ct);
        var patients = found.Select(EConsultMessage.Parse).Select(m => m.PatientId).Distinct(StringComparer.Ordinal).ToList();
        var threads = EConsultThread.Group(await MessagesOfPatientsAsync(patients, ct)).Where(t => t.Messages.Any(m => ids.Contains(m.Id)));
        return await VisibleThreadsAsync(caller, threads, ct);
    }

    /// <summary>Patients: themselves first, then each child the access policy lets them act for today.</summary>
    public async Task<IReadOnlyList<ActingFor>> ActingForAsync(PortalCaller caller, CancellationToken ct)
    {
        var self = caller.RequirePatient();
        var ids = await ReachablePatientsAsync(caller, ct);
        var result = new List<ActingFor>();
        foreach (var patient in await SearchAsync("Patient", $"_id={string.Join(',', ids.Select(Uri.EscapeDataString))}&_count={MaxResults}", ct))
        {
            var id = Str(patient, "id")!;
            LocalDate? birthDate = Str(patient, "birthDate") is { } b && NodaTime.Text.LocalDatePattern.Iso.Parse(b) is { Success: true } parsed ? parsed.Value : null;
            result.Add(new ActingFor(id, NameOf(patient), id == self, birthDate));
        }
        return result.OrderByDescending(p => p.Self).ThenBy(p => p.BirthDate).ThenBy(p => p.Display, StringComparer.Ordinal).ToList();
    }

    /// <summary>Whose record a patient works in: their own by default, else a child the policy lets them reach now (WGBO).</summary>
    private async Task<string> PatientOfAsync(PortalCaller caller, string? patientId, CancellationToken ct)
    {
        var self = caller.RequirePatient();
        if (patientId is null || patientId == self)
            return self;
        if ((await ReachablePatientsAsync(caller, ct)).Contains(patientId))
            return patientId;
        var reason = proxies.Find(self, patientId) is null ? null : ProxyAccess.Explain(await proxies.DecideAsync(self, patientId, ct));
        throw MessagingErrors.Forbidden(reason ?? "U kunt niet namens deze persoon berichten lezen of versturen.");
    }

    /// <summary>The records the access policy lets this patient reach now: their own and the children it allows.</summary>
    private async Task<IReadOnlySet<string>> ReachablePatientsAsync(PortalCaller caller, CancellationToken ct)
    {
        var self = caller.RequirePatient();
        try
        {
            var restriction = await policy.GetSearchRestrictionAsync(caller.Principal, Communication, ct);
            return restriction.PatientIds ?? new HashSet<string>(StringComparer.Ordinal) { self };
        }
        catch (FhirException e)
        {
            throw MessagingErrors.Translate(e);
        }
    }

    /// <summary>
    /// Who a parent is in a child's record: the RelatedPerson of the child with the parent's identifier
    /// (BSN). When the practice registered the gezag in the portal only, it is recorded now, so the
    /// message names its writer without putting the child's message in the parent's own record.
    /// </summary>
    private async Task<string> ProxySenderAsync(PortalCaller caller, string parentId, string childId, CancellationToken ct)
    {
        var parent = await resources.ReadAsync("Patient", parentId, ct);
        using var parentDoc = JsonDocument.Parse(parent.Json!);
        var identifiers = Identifiers(parentDoc.RootElement);
        foreach (var related in await SearchAsync("RelatedPerson", $"patient={Uri.EscapeDataString($"Patient/{childId}")}&_count={MaxResults}", ct))
        {
            var active = !related.TryGetProperty("active", out var a) || a.ValueKind != JsonValueKind.False;
            if (active && Identifiers(related).Overlaps(identifiers))
                return $"RelatedPerson/{Str(related, "id")}";
        }
        var json = new JsonObject
        {
            ["resourceType"] = "RelatedPerson",
            ["active"] = true,
            ["patient"] = new JsonObject { ["reference"] = $"Patient/{childId}" },
            ["relationship"] = new JsonArray(new JsonObject
            {
                ["coding"] = new JsonArray(Coding("http://terminology.hl7.org/CodeSystem/v3-RoleCode", "PRN", "parent")),
                ["text"] = "Ouder",
            }),
        };
        if (parentDoc.RootElement.TryGetProperty("identifier", out var ids))
            json["identifier"] = JsonNode.Parse(ids.GetRawText());
        if (parentDoc.RootElement.TryGetProperty("name", out var names))
            json["name"] = JsonNode.Parse(names.GetRawText());
        using var doc = JsonDocument.Parse(json.ToJsonString());
        try
        {
            await policy.AuthorizeAsync(new FhirAccessRequest(caller.Principal, FhirInteraction.Create, "RelatedPerson", null, null, doc.RootElement, PortalRules: true), ct);
            var created = await resources.CreateAsync("RelatedPerson", doc, ct);
            return $"RelatedPerson/{created.Resource.Id}";
        }
        catch (FhirException e)
        {
            throw MessagingErrors.Translate(e);
        }
    }

    private static HashSet<string> Identifiers(JsonElement resource)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        if (resource.TryGetProperty("identifier", out var ids) && ids.ValueKind == JsonValueKind.Array)
        {
            foreach (var id in ids.EnumerateArray())
            {
                if (Str(id, "system") is { } system && Str(id, "value") is { } value)
                    result.Add($"{system}|{value}");
            }
        }
        return result;
    }

    /// <summary>The caller's reference in a patient's record: themselves, or (a parent for a child) their RelatedPerson there.</summary>
    private async Task<string> PatientSideSenderAsync(PortalCaller caller, string patientId, CancellationToken ct)
    {
        var self = caller.RequirePatient();
        return patientId == self ? $"Patient/{self}" : await ProxySenderAsync(caller, self, patientId, ct);
    }

    public async Task<EConsultThread> ThreadAsync(PortalCaller caller, string threadId, CancellationToken ct)
    {
        Check(caller, FhirInteraction.Read);
        var roots = await SearchAsync(Communication, $"_id={Uri.EscapeDataString(threadId)}&{KnownEConsult.CategoryQuery}", ct);
        if (roots.Count == 0)
            throw MessagingErrors.NotFound();
        var patient = EConsultMessage.Parse(roots[0]).PatientId;
        var threads = EConsultThread.Group(await MessagesOfPatientsAsync([patient], ct));
        var thread = threads.FirstOrDefault(t => t.Messages.Any(m => m.Id == threadId)) ?? throw MessagingErrors.NotFound();
        await AuthorizeAsync(caller, FhirInteraction.Read, thread.Root);
        return thread;
    }

    public async Task<IReadOnlyList<FolderItem>> FolderAsync(PortalCaller caller, PatientFolder folder, bool newestFirst, string? patientId, CancellationToken ct)
    {
        var threads = await PatientThreadsAsync(caller, patientId, ct);
        var all = threads.SelectMany(t => t.Messages.Select(m => (Message: m, Thread: t))).ToList();
        var states = state.States(caller.FhirUser!, all.Select(x => x.Message.Id).ToList());
        var items = all.Select(x => new FolderItem(x.Message, x.Thread, states.GetValueOrDefault(x.Message.Id) ?? new MessageState(false, false)));
        items = folder switch
        {
            PatientFolder.Inbox => items.Where(i => !i.Message.FromPatient && i.Message.Kind != QuestionKind.System && !i.State.Deleted),
            PatientFolder.System => items.Where(i => !i.Message.FromPatient && i.Message.Kind == QuestionKind.System && !i.State.Deleted),
            PatientFolder.Pending => items.Where(i => i.Thread.Unanswered.Contains(i.Message)),
            _ => items.Where(i => i.State.Deleted),
        };
        return (newestFirst ? items.OrderByDescending(i => i.Message.Sent) : items.OrderBy(i => i.Message.Sent)).ToList();
    }

    public async Task<int> UnreadCountAsync(PortalCaller caller, string? patientId, CancellationToken ct) =>
        (await FolderAsync(caller, PatientFolder.Inbox, true, patientId, ct)).Count(i => !i.State.Read)
        + (await FolderAsync(caller, PatientFolder.System, true, patientId, ct)).Count(i => !i.State.Read);

    /// <summary>Messages of a thread from the other side: for staff the patient's (or parent's), for patients the practice's.</summary>
    public static IEnumerable<EConsultMessage> FromOtherSide(EConsultThread thread, PortalCaller caller) =>
        thread.Messages.Where(m => caller.IsStaff ? m.FromPatient : !m.FromPatient);

    /// <summary>Staff: threads waiting for the practice (unanswered, or answered on behalf of someone who still has to answer), most urgent first.</summary>
    public async Task<IReadOnlyList<EConsultThread>> InboxAsync(PortalCaller caller, InboxFilter filter, CancellationToken ct)
    {
        var me = caller.RequireStaff();
        Check(caller, FhirInteraction.Search);
        var assignments = state.Assignments(caller.OrganizationId!);
        var followUps = assignments.Values.Where(a => a.ExpectedAnswerDate is not null).Select(a => a.ThreadId).ToList();
        var threads = (await VisibleThreadsAsync(caller, await OpenThreadsAsync(followUps, ct), ct))
            .Where(t => filter.Worklist switch
            {
                Worklist.Unassigned => Assignee(t, assignments) is null,
                Worklist.Mine => Assignee(t, assignments) == me,
                Worklist.Practitioner => Assignee(t, assignments) == filter.Practitioner,
                _ => true,
            });
        if (filter.Overdue is { } overdue)
        {
            var today = Today();
            threads = threads.Where(t => IsOverdue(t, today) == overdue);
        }
        if (filter.Unread is { } unread)
        {
            var list = threads.ToList();
            var states = state.States(me, list.SelectMany(t => FromOtherSide(t, caller)).Select(m => m.Id).ToList());
            threads = list.Where(t => FromOtherSide(t, caller).Any(m => states.GetValueOrDefault(m.Id)?.Read != true) == unread);
        }
        return (filter.Sort switch
        {
            InboxSort.ReceivedOldestFirst => threads.OrderBy(t => t.ReceivedAt ?? t.Last.Sent),
            InboxSort.ReceivedNewestFirst => threads.OrderByDescending(t => t.ReceivedAt ?? t.Last.Sent),
            _ => threads.OrderBy(t => DueDate(t)).ThenBy(t => t.ReceivedAt ?? t.Last.Sent),
        }).ThenBy(t => t.Id, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Every thread waiting for a practice, whoever may see it (callers filter by the policy): those
    /// with a question still in progress, and the follow-ups promised on behalf of an absent practitioner.
    /// </summary>
    internal async Task<List<EConsultThread>> OpenThreadsAsync(IReadOnlyList<string> followUpThreadIds, CancellationToken ct)
    {
        var open = (await SearchAsync(Communication, $"{KnownEConsult.CategoryQuery}&status=in-progress&_count={MaxResults}", ct))
            .Select(EConsultMessage.Parse).Select(m => m.PatientId).ToHashSet(StringComparer.Ordinal);
        if (followUpThreadIds.Count > 0)
            open.UnionWith((await SearchAsync(Communication, $"_id={string.Join(',', followUpThreadIds.Select(Uri.EscapeDataString))}&_count={MaxResults}", ct))
                .Select(EConsultMessage.Parse).Select(m => m.PatientId));
        return EConsultThread.Group(await MessagesOfPatientsAsync(open.ToList(), ct))
            .Where(t => t.Kind != QuestionKind.System && (t.AwaitingAnswer || t.AwaitingFollowUp))
            .ToList();
    }

    /// <summary>The practice (Organization id) of each patient, from Patient.managingOrganization; one search.</summary>
    internal async Task<IReadOnlyDictionary<string, string>> OrganizationsOfAsync(IReadOnlyList<string> patientIds, CancellationToken ct)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (patientIds.Count == 0)
            return result;
        var ids = string.Join(',', patientIds.Distinct(StringComparer.Ordinal).Select(Uri.EscapeDataString));
        foreach (var patient in await SearchAsync("Patient", $"_id={ids}&_count={MaxResults}", ct))
        {
            if (Reference(patient, "managingOrganization") is { } org && org.StartsWith("Organization/", StringComparison.Ordinal) && Str(patient, "id") is { } id)
                result[id] = org["Organization/".Length..];
        }
        return result;
    }

    /// <summary>Who handles a thread: the one it was assigned to, else the practitioner the patient chose (a group is nobody yet).</summary>
    public static string? Assignee(EConsultThread thread, IReadOnlyDictionary<string, ThreadAssignment> assignments) =>
        assignments.TryGetValue(thread.Id, out var a) && a.AssigneeRef is not null ? a.AssigneeRef
        : thread.PracticeRecipient is { } r && r.StartsWith("Practitioner/", StringComparison.Ordinal) ? r : null;

    /// <summary>Two working days after receipt (practice guidance, seed 000/001); the promised date when answered on behalf of an absent practitioner.</summary>
    public static LocalDate? DueDate(EConsultThread thread)
    {
        if (thread.AwaitingFollowUp)
            return thread.ExpectedAnswerDate;
        if (thread.ReceivedAt is not { } received)
            return null;
        var day = Instant.FromDateTimeOffset(received).InZone(DutchCalendar.Amsterdam).Date;
        return DutchCalendar.Instance.AddWorkingDays(day, 2);
    }

    public bool IsOverdue(EConsultThread thread) => IsOverdue(thread, Today());

    /// <summary>Overdue from the first day after the due date while the thread still waits for the practice.</summary>
    public static bool IsOverdue(EConsultThread thread, LocalDate today) =>
        (thread.AwaitingAnswer || thread.AwaitingFollowUp) && DueDate(thread) is { } due && today > due;

    public LocalDate Today() => Instant.FromDateTimeOffset(time.GetUtcNow()).InZone(DutchCalendar.Amsterdam).Date;

    /// <summary>Patients: who may receive a new e-consult, with the patient's own GP preselected.</summary>
    public async Task<IReadOnlyList<Recipient>> RecipientsAsync(PortalCaller caller, string? forPatient, CancellationToken ct)
    {
        var patientId = await PatientOfAsync(caller, forPatient, ct);
        var patient = await resources.ReadAsync("Patient", patientId, ct);
        using var doc = JsonDocument.Parse(patient.Json!);
        var organization = Reference(doc.RootElement, "managingOrganization");
        var gp = doc.RootElement.TryGetProperty("generalPractitioner", out var gps) && gps.GetArrayLength() > 0 ? Str(gps[0], "reference") : null;
        return organization is null ? [] : await PracticeRecipientsAsync(organization, gp, ct);
    }

    /// <summary>The practice's GPs, POHs and groups (roles without a person, such as "de assistentes").</summary>
    public async Task<IReadOnlyList<Recipient>> PracticeRecipientsAsync(string organizationRef, string? preselect, CancellationToken ct)
    {
        var roles = await SearchAsync("PractitionerRole", $"organization={Uri.EscapeDataString(organizationRef)}&active=true&_count={MaxResults}", ct);
        var people = roles.Select(r => Reference(r, "practitioner")).OfType<string>().ToList();
        var names = await DisplayNamesAsync(people, ct);
        var result = new List<Recipient>();
        foreach (var role in roles)
        {
            var code = role.TryGetProperty("code", out var codes) && codes.GetArrayLength() > 0 ? codes[0] : default;
            var roleCode = code.ValueKind == JsonValueKind.Object && code.TryGetProperty("coding", out var coding) ? Str(coding[0], "code") ?? "" : "";
            var roleText = code.ValueKind == JsonValueKind.Object ? Str(code, "text") ?? roleCode : roleCode;
            if (Reference(role, "practitioner") is { } person)
            {
                if (roleCode is "huisarts" or "poh")
                    result.Add(new Recipient(person, names.GetValueOrDefault(person) ?? person, roleText, false, person == preselect));
            }
            else
            {
                result.Add(new Recipient($"PractitionerRole/{Str(role, "id")}", roleText, roleText, true, false));
            }
        }
        return result.OrderBy(r => r.IsGroup).ThenBy(r => r.Display, StringComparer.Create(new System.Globalization.CultureInfo("nl-NL"), true)).ToList();
    }

    /// <summary>Names to show for references (Patient, Practitioner, PractitionerRole): one search per resource type.</summary>
    public async Task<IReadOnlyDictionary<string, string>> DisplayNamesAsync(IReadOnlyList<string> references, CancellationToken ct)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var group in references.Distinct(StringComparer.Ordinal).Where(r => r.Contains('/')).GroupBy(r => r[..r.IndexOf('/')]))
        {
            if (group.Key is not ("Patient" or "Practitioner" or "PractitionerRole" or "RelatedPerson" or "Organization"))
                continue;
            var ids = string.Join(',', group.Select(r => Uri.EscapeDataString(r[(r.IndexOf('/') + 1)..])));
            foreach (var resource in await SearchAsync(group.Key, $"_id={ids}&_count={MaxResults}", ct))
                result[$"{group.Key}/{Str(resource, "id")}"] = NameOf(resource);
        }
        return result;
    }

    // ---- patient writes ------------------------------------------------------------------------

    public async Task<EConsultThread> SendAsync(PortalCaller caller, SendEConsult input, CancellationToken ct)
    {
        var patient = await PatientOfAsync(caller, input.PatientId, ct);
        if (input.Kind == QuestionKind.System)
            throw MessagingErrors.Invalid("Kies een medische of een andere vraag.", "kind");
        var topic = Required(input.Topic, "Vul een onderwerp in.", "topic", 200);
        var text = Required(input.Text, "Typ uw vraag.", "text", 10_000);
        var recipients = await RecipientsAsync(caller, patient, ct);
        var recipient = input.Recipient ?? recipients.FirstOrDefault(r => r.Preselected)?.Reference;
        if (recipient is null || recipients.All(r => r.Reference != recipient))
            throw MessagingErrors.Invalid("Kies een zorgverlener van uw praktijk.", "recipient");
        var attachments = Accept(input.Attachments);
        var json = Build(input.Kind, patient, await PatientSideSenderAsync(caller, patient, ct), [recipient], topic, text, attachments, "in-progress", inResponseTo: null);
        var created = await CreateAsync(caller, json, ct);
        return new EConsultThread([created]);
    }

    public async Task<EConsultThread> PatientReplyAsync(PortalCaller caller, string threadId, string? text, IReadOnlyList<AttachmentUpload>? uploads, CancellationToken ct)
    {
        caller.RequirePatient();
        var thread = (await ThreadsContainingAsync(caller, [threadId], ct)).FirstOrDefault(t => t.Id == threadId) ?? throw MessagingErrors.NotFound();
        if (thread.Kind == QuestionKind.System || thread.ClosedForPatient)
            throw MessagingErrors.Closed();
        var body = Required(text, "Typ uw reactie.", "text", 10_000);
        var to = thread.PracticeRecipient ?? thread.Messages.Last(m => !m.FromPatient).SenderRef;
        var json = Build(thread.Kind, thread.PatientId, await PatientSideSenderAsync(caller, thread.PatientId, ct), [to], thread.Topic, body, Accept(uploads), "in-progress", thread.Last.Id);
        await CreateAsync(caller, json, ct);
        return await ThreadAsync(caller, threadId, ct);
    }

    public async Task<FolderItem> SetDeletedAsync(PortalCaller caller, string messageId, bool deleted, CancellationToken ct)
    {
        var item = await OwnItemAsync(caller, messageId, ct);
        if (item.Message.FromPatient)
            throw MessagingErrors.Invalid("Alleen berichten in Postvak in en Systeemberichten kunt u verwijderen.");
        state.SetDeleted(caller.FhirUser!, messageId, deleted);
        return item with { State = item.State with { Deleted = deleted } };
    }

    /// <summary>Marks messages read or unread for the caller; every user (patient, parent, staff member) has their own marks.</summary>
    public async Task<IReadOnlyList<FolderItem>> SetReadAsync(PortalCaller caller, IReadOnlyList<string> ids, bool read, CancellationToken ct)
    {
        var user = User(caller);
        var threads = await ThreadsContainingAsync(caller, ids, ct);
        var items = new List<FolderItem>();
        foreach (var id in ids.Distinct(StringComparer.Ordinal))
        {
            var thread = threads.FirstOrDefault(t => t.Messages.Any(m => m.Id == id)) ?? throw MessagingErrors.NotFound();
            items.Add(new FolderItem(thread.Messages.First(m => m.Id == id), thread, new MessageState(read, false)));
        }
        state.SetRead(user, items.Select(i => i.Message.Id).ToList(), read);
        var states = state.States(user, items.Select(i => i.Message.Id).ToList());
        return items.Select(i => i with { State = states.GetValueOrDefault(i.Message.Id) ?? i.State }).ToList();
    }

    /// <summary>Marks every message from the other side of a thread read (or unread) for the caller.</summary>
    public async Task<EConsultThread> SetThreadReadAsync(PortalCaller caller, string threadId, bool read, CancellationToken ct)
    {
        var user = User(caller);
        var thread = await ThreadAsync(caller, threadId, ct);
        state.SetRead(user, FromOtherSide(thread, caller).Select(m => m.Id).ToList(), read);
        return thread;
    }

    /// <summary>Whose read marks: the patient or staff member calling.</summary>
    private static string User(PortalCaller caller) => caller.IsStaff ? caller.RequireStaff() : $"Patient/{caller.RequirePatient()}";

    private async Task<FolderItem> OwnItemAsync(PortalCaller caller, string messageId, CancellationToken ct)
    {
        caller.RequirePatient();
        var thread = (await ThreadsContainingAsync(caller, [messageId], ct)).FirstOrDefault() ?? throw MessagingErrors.NotFound();
        var message = thread.Messages.First(m => m.Id == messageId);
        var current = state.States(caller.FhirUser!, [messageId]).GetValueOrDefault(messageId) ?? new MessageState(false, false);
        return new FolderItem(message, thread, current);
    }

    // ---- practice writes -----------------------------------------------------------------------

    public async Task<EConsultThread> AnswerAsync(PortalCaller caller, PracticeAnswer input, CancellationToken ct)
    {
        var me = caller.RequireStaff();
        var thread = await ThreadAsync(caller, input.ThreadId, ct);
        if (thread.Kind == QuestionKind.System)
            throw MessagingErrors.Invalid("Op een systeembericht kan niet worden gereageerd.");
        var text = input.Text;
        if (string.IsNullOrWhiteSpace(text) && input.TemplateId is { } templateId)
            text = await RenderTemplateAsync(caller, templateId, thread, ct);
        var body = Required(text, "Typ een antwoord of kies een standaardtekst.", "text", 10_000);
        var close = input.CloseForPatient;
        if (input.OnBehalfOf is not null)
        {
            if (input.ExpectedAnswerDate is not { } expected || expected < Today())
                throw MessagingErrors.Invalid("Geef aan wanneer de patiënt een antwoord kan verwachten (vandaag of later).", "expectedAnswerDate");
            if (!input.OnBehalfOf.StartsWith("Practitioner/", StringComparison.Ordinal))
                throw MessagingErrors.Invalid("Kies de afwezige zorgverlener.", "onBehalfOf");
            await ExistsAsync(input.OnBehalfOf, ct);
            close = false;
        }
        var json = Build(thread.Kind, thread.PatientId, me, [$"Patient/{thread.PatientId}"], thread.Topic, body, Accept(input.Attachments), "completed",
            (thread.Unanswered.LastOrDefault() ?? thread.Last).Id);
        json["extension"] = new JsonArray(new JsonObject { ["url"] = KnownEConsult.ClosedForPatient, ["valueBoolean"] = close });
        if (input.OnBehalfOf is not null)
            ((JsonArray)json["extension"]!).Add(new JsonObject { ["url"] = KnownEConsult.ExpectedAnswerDate, ["valueDate"] = input.ExpectedAnswerDate!.Value.ToString("yyyy-MM-dd", null) });
        await CompleteAsync(caller, thread.Unanswered, reason: null, ct);
        await CreateAsync(caller, json, ct);
        if (input.OnBehalfOf is not null)
            state.Assign(caller.OrganizationId!, thread.Id, input.OnBehalfOf, me, input.ExpectedAnswerDate);
        state.SetRead(me, FromOtherSide(thread, caller).Select(m => m.Id).ToList(), true);
        return await ThreadAsync(caller, thread.Id, ct);
    }

    public async Task<EConsultThread> HandleWithoutReplyAsync(PortalCaller caller, string threadId, CancellationToken ct)
    {
        var me = caller.RequireStaff();
        var thread = await ThreadAsync(caller, threadId, ct);
        if (!thread.AwaitingAnswer)
            throw MessagingErrors.Invalid("Dit bericht is al afgehandeld.");
        await CompleteAsync(caller, thread.Unanswered, KnownEConsult.HandledWithoutReply, ct);
        state.SetRead(me, FromOtherSide(thread, caller).Select(m => m.Id).ToList(), true);
        return await ThreadAsync(caller, threadId, ct);
    }

    public async Task<EConsultThread> AssignAsync(PortalCaller caller, string threadId, string? practitioner, CancellationToken ct)
    {
        var me = caller.RequireStaff();
        var thread = await ThreadAsync(caller, threadId, ct);
        if (practitioner is not null)
        {
            if (!practitioner.StartsWith("Practitioner/", StringComparison.Ordinal))
                throw MessagingErrors.Invalid("Kies een zorgverlener.", "practitioner");
            await ExistsAsync(practitioner, ct);
        }
        state.Assign(caller.OrganizationId!, thread.Id, practitioner, me);
        return thread;
    }

    /// <summary>A message the practice starts (e.g. to follow up a lab result); the patient finds it in Postvak in.</summary>
    public async Task<EConsultThread> StartAsync(PortalCaller caller, PracticeMessage input, CancellationToken ct)
    {
        var me = caller.RequireStaff();
        var topic = Required(input.Topic, "Vul een onderwerp in.", "topic", 200);
        var text = Required(input.Text, "Typ een bericht.", "text", 10_000);
        await ExistsAsync($"Patient/{input.PatientId}", ct);
        var json = Build(QuestionKind.Medical, input.PatientId, me, [$"Patient/{input.PatientId}"], topic, text, Accept(input.Attachments), "completed", null);
        json["extension"] = new JsonArray(new JsonObject { ["url"] = KnownEConsult.ClosedForPatient, ["valueBoolean"] = input.CloseForPatient });
        var created = await CreateAsync(caller, json, ct);
        return new EConsultThread([created]);
    }

    public bool EmailOnNewMessage(PortalCaller caller) => state.EmailOnNewMessage(caller.RequirePatient());

    public bool SetEmailOnNewMessage(PortalCaller caller, bool value)
    {
        state.SetEmailOnNewMessage(caller.RequirePatient(), value);
        return value;
    }

    public IReadOnlyList<ReplyTemplate> Templates(PortalCaller caller)
    {
        caller.RequireStaff();
        return state.Templates(caller.OrganizationId!);
    }

    public ReplyTemplate SaveTemplate(PortalCaller caller, string? id, string? name, string? body)
    {
        caller.RequireStaff();
        return state.SaveTemplate(caller.OrganizationId!, id, Required(name, "Geef de standaardtekst een naam.", "name", 100),
            Required(body, "Vul de tekst in.", "body", 10_000));
    }

    public bool DeleteTemplate(PortalCaller caller, string id)
    {
        caller.RequireStaff();
        return state.DeleteTemplate(caller.OrganizationId!, id);
    }

    /// <summary>Fills {patient}, {zorgverlener} (the one answering) and {huisarts} (the patient's own GP).</summary>
    public async Task<string> RenderTemplateAsync(PortalCaller caller, string templateId, EConsultThread thread, CancellationToken ct)
    {
        var template = Templates(caller).FirstOrDefault(t => t.Id == templateId) ?? throw MessagingErrors.NotFound();
        var patient = await resources.ReadAsync("Patient", thread.PatientId, ct);
        using var doc = JsonDocument.Parse(patient.Json!);
        var gp = doc.RootElement.TryGetProperty("generalPractitioner", out var gps) && gps.GetArrayLength() > 0 ? Str(gps[0], "reference") : null;
        var names = await DisplayNamesAsync(new[] { caller.FhirUser!, gp }.OfType<string>().ToList(), ct);
        return template.Body
            .Replace("{patient}", NameOf(doc.RootElement), StringComparison.Ordinal)
            .Replace("{zorgverlener}", names.GetValueOrDefault(caller.FhirUser!) ?? caller.Name ?? "", StringComparison.Ordinal)
            .Replace("{huisarts}", gp is null ? "" : names.GetValueOrDefault(gp) ?? "", StringComparison.Ordinal);
    }

    /// <summary>Counts for the weekly e-consult meeting (seed 000, step 5), week starting on the Monday of <paramref name="day"/>.</summary>
    public async Task<WeeklyCounts> WeeklyCountsAsync(PortalCaller caller, LocalDate day, CancellationToken ct)
    {
        caller.RequireStaff();
        Check(caller, FhirInteraction.Search);
        var monday = day.With(DateAdjusters.PreviousOrSame(IsoDayOfWeek.Monday));
        var start = DutchCalendar.ToInstant(monday.AtMidnight()).ToDateTimeOffset();
        var end = DutchCalendar.ToInstant(monday.PlusDays(7).AtMidnight()).ToDateTimeOffset();
        var inWeek = await SearchAsync(Communication,
            $"{KnownEConsult.CategoryQuery}&sent=ge{Uri.EscapeDataString(start.ToString("O"))}&sent=lt{Uri.EscapeDataString(end.ToString("O"))}&_count={MaxResults}", ct);
        var patients = inWeek.Select(EConsultMessage.Parse).Select(m => m.PatientId).Distinct().ToList();
        var threads = await VisibleThreadsAsync(caller, await MessagesOfPatientsAsync(patients, ct), ct);
        int received = 0, answered = 0, handled = 0;
        var minutes = new List<double>();
        foreach (var thread in threads.Where(t => t.Kind != QuestionKind.System))
        {
            DateTimeOffset? waitingSince = null;
            foreach (var m in thread.Messages)
            {
                var inside = m.Sent >= start && m.Sent < end;
                if (m.FromPatient)
                {
                    if (inside) received++;
                    if (inside && m.HandledWithoutReply) handled++;
                    waitingSince ??= m.HandledWithoutReply ? null : m.Sent;
                }
                else if (waitingSince is { } since)
                {
                    if (inside)
                    {
                        answered++;
                        minutes.Add((m.Sent - since).TotalMinutes);
                    }
                    waitingSince = null;
                }
            }
        }
        int? median = null;
        if (minutes.Count > 0)
        {
            minutes.Sort();
            var mid = minutes.Count / 2;
            median = (int)Math.Round(minutes.Count % 2 == 1 ? minutes[mid] : (minutes[mid - 1] + minutes[mid]) / 2);
        }
        var overdue = (await InboxAsync(caller, new InboxFilter(), ct)).Count(IsOverdue);
        var becameOverdue = state.OverdueMarks(caller.OrganizationId!, monday, monday.PlusDays(7)).Count;
        return new WeeklyCounts(monday, received, answered, handled, median, overdue, becameOverdue);
    }

    // ---- plumbing ------------------------------------------------------------------------------

    private async Task<List<EConsultMessage>> MessagesOfPatientsAsync(IReadOnlyList<string> patients, CancellationToken ct)
    {
        if (patients.Count == 0)
            return [];
        var subjects = string.Join(',', patients.Distinct(StringComparer.Ordinal).Select(p => Uri.EscapeDataString($"Patient/{p}")));
        return (await SearchAsync(Communication, $"subject={subjects}&{KnownEConsult.CategoryQuery}&_count={MaxResults}", ct)).Select(EConsultMessage.Parse).ToList();
    }

    /// <summary>Threads of these messages that the policy lets the caller read; the others are left out, not reported.</summary>
    private Task<List<EConsultThread>> VisibleThreadsAsync(PortalCaller caller, List<EConsultMessage> messages, CancellationToken ct) =>
        VisibleThreadsAsync(caller, EConsultThread.Group(messages), ct);

    private async Task<List<EConsultThread>> VisibleThreadsAsync(PortalCaller caller, IEnumerable<EConsultThread> threads, CancellationToken ct)
    {
        var visible = new List<EConsultThread>();
        foreach (var thread in threads)
        {
            try
            {
                await policy.AuthorizeAsync(new FhirAccessRequest(caller.Principal, FhirInteraction.Read, Communication, thread.Id, thread.Root.Resource), ct);
                visible.Add(thread);
            }
            catch (FhirException e) when (e.Status == 403)
            {
            }
            catch (FhirException e)
            {
                throw MessagingErrors.Translate(e);
            }
        }
        return visible;
    }

    private void Check(PortalCaller caller, FhirInteraction interaction)
    {
        try
        {
            policy.CheckInteraction(caller.Principal, interaction, Communication);
        }
        catch (FhirException e)
        {
            throw MessagingErrors.Translate(e);
        }
    }

    private async Task AuthorizeAsync(PortalCaller caller, FhirInteraction interaction, EConsultMessage message, JsonElement? incoming = null)
    {
        try
        {
            await policy.AuthorizeAsync(new FhirAccessRequest(caller.Principal, interaction, Communication, message.Id, message.Resource, incoming, PortalRules: true));
        }
        catch (FhirException e)
        {
            throw MessagingErrors.Translate(e);
        }
    }

    /// <summary>Writes one Communication through the resource service (which also enqueues <see cref="MessageNotifications"/>).</summary>
    private async Task<EConsultMessage> CreateAsync(PortalCaller caller, JsonObject json, CancellationToken ct)
    {
        using var doc = JsonDocument.Parse(json.ToJsonString());
        try
        {
            await policy.AuthorizeAsync(new FhirAccessRequest(caller.Principal, FhirInteraction.Create, Communication, null, null, doc.RootElement, PortalRules: true), ct);
            var created = await resources.CreateAsync(Communication, doc, ct);
            using var stored = JsonDocument.Parse(created.Resource.Json!);
            return EConsultMessage.Parse(stored.RootElement);
        }
        catch (FhirException e)
        {
            throw MessagingErrors.Translate(e);
        }
    }

    /// <summary>Marks the patient's questions as dealt with, so a HIS searching status=in-progress no longer sees them.</summary>
    private async Task CompleteAsync(PortalCaller caller, IReadOnlyList<EConsultMessage> messages, string? reason, CancellationToken ct)
    {
        foreach (var message in messages)
        {
            var json = JsonNode.Parse(message.Resource.GetRawText())!.AsObject();
            json["status"] = "completed";
            if (reason is not null)
                json["statusReason"] = new JsonObject { ["coding"] = new JsonArray(Coding(KnownEConsult.StatusReasonSystem, reason, "Afgehandeld zonder antwoord")) };
            using var doc = JsonDocument.Parse(json.ToJsonString());
            try
            {
                await policy.AuthorizeAsync(new FhirAccessRequest(caller.Principal, FhirInteraction.Update, Communication, message.Id, message.Resource, doc.RootElement, PortalRules: true), ct);
                await resources.UpdateAsync(Communication, message.Id, doc, message.Version, ct);
            }
            catch (FhirException e)
            {
                throw MessagingErrors.Translate(e);
            }
        }
    }

    private async Task ExistsAsync(string reference, CancellationToken ct)
    {
        var slash = reference.IndexOf('/');
        try
        {
            if (slash <= 0 || (await resources.ReadAsync(reference[..slash], reference[(slash + 1)..], ct)).Json is null)
                throw MessagingErrors.NotFound();
        }
        catch (FhirException)
        {
            throw MessagingErrors.Invalid($"{reference} bestaat niet.");
        }
    }

    private JsonObject Build(QuestionKind kind, string patientId, string sender, IReadOnlyList<string> recipients, string? topic, string text,
        IReadOnlyList<MessageAttachment> attachments, string status, string? inResponseTo)
    {
        var payload = new JsonArray(new JsonObject { ["contentString"] = text });
        foreach (var a in attachments)
        {
            payload.Add(new JsonObject
            {
                ["contentAttachment"] = new JsonObject
                {
                    ["contentType"] = a.ContentType,
                    ["data"] = a.Data,
                    ["size"] = a.Size,
                    ["title"] = a.Title,
                },
            });
        }
        var kindCode = kind == QuestionKind.Other ? KnownEConsult.Other : KnownEConsult.Medical;
        var json = new JsonObject
        {
            ["resourceType"] = Communication,
            ["meta"] = new JsonObject { ["profile"] = new JsonArray(KnownEConsult.Profile) },
            ["status"] = status,
            ["category"] = new JsonArray(
                new JsonObject { ["coding"] = new JsonArray(Coding(KnownEConsult.CategorySystem, KnownEConsult.EConsult, "E-consult")) },
                new JsonObject { ["coding"] = new JsonArray(Coding(KnownEConsult.CategorySystem, kindCode, kind == QuestionKind.Other ? "Andere vraag" : "Medische vraag")) }),
            ["subject"] = new JsonObject { ["reference"] = $"Patient/{patientId}" },
            ["sent"] = time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture),
            ["recipient"] = new JsonArray(recipients.Select(r => (JsonNode)new JsonObject { ["reference"] = r }).ToArray()),
            ["sender"] = new JsonObject { ["reference"] = sender },
            ["payload"] = payload,
        };
        if (topic is not null)
            json["topic"] = new JsonObject { ["text"] = topic };
        if (inResponseTo is not null)
            json["inResponseTo"] = new JsonArray(new JsonObject { ["reference"] = $"Communication/{inResponseTo}" });
        return json;
    }

    private static IReadOnlyList<MessageAttachment> Accept(IReadOnlyList<AttachmentUpload>? uploads)
    {
        if (uploads is null || uploads.Count == 0)
            return [];
        if (uploads.Count > Attachments.MaxPerMessage)
            throw MessagingErrors.Attachment($"U kunt maximaal {Attachments.MaxPerMessage} bijlagen toevoegen.");
        return uploads.Select(u => Attachments.Accept(u.FileName, u.ContentBase64)).ToList();
    }

    private static string Required(string? value, string message, string field, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
            throw MessagingErrors.Invalid(message, field);
        var trimmed = value.Trim();
        if (trimmed.Length > maxLength)
            throw MessagingErrors.Invalid($"Dit veld mag maximaal {maxLength} tekens bevatten.", field);
        return trimmed;
    }

    private Task<List<JsonElement>> SearchAsync(string type, string query, CancellationToken ct) => search.MatchesAsync(type, query, ct);

    private static JsonObject Coding(string system, string code, string display) => new() { ["system"] = system, ["code"] = code, ["display"] = display };

    private static string? Reference(JsonElement e, string property) =>
        e.TryGetProperty(property, out var r) && r.ValueKind == JsonValueKind.Object ? Str(r, "reference") : null;

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>A person's name as the portal shows it: name.text, else prefix given family; a role's code text.</summary>
    public static string NameOf(JsonElement resource)
    {
        if (resource.TryGetProperty("name", out var names) && names.ValueKind == JsonValueKind.Array && names.GetArrayLength() > 0)
        {
            var name = names[0];
            if (Str(name, "text") is { } text) return text;
            var parts = new List<string>();
            if (name.TryGetProperty("given", out var given)) parts.AddRange(given.EnumerateArray().Select(g => g.GetString() ?? ""));
            if (Str(name, "family") is { } family) parts.Add(family);
            return string.Join(' ', parts);
        }
        if (resource.TryGetProperty("name", out var plain) && plain.ValueKind == JsonValueKind.String) return plain.GetString()!;
        if (resource.TryGetProperty("code", out var codes) && codes.ValueKind == JsonValueKind.Array && codes.GetArrayLength() > 0 && Str(codes[0], "text") is { } roleText)
            return roleText;
        return Str(resource, "id") ?? "";
    }
}
