using System.Globalization;
using System.Text.Json;
using NodaTime;
using NodaTime.Text;

namespace Graph.Api.Messaging;

public enum QuestionKind { Medical, Other, System }

public sealed record MessageAttachment(string ContentType, string Title, long Size, string Data);

/// <summary>One Communication of an e-consult thread, as the portal reads it.</summary>
public sealed record EConsultMessage(
    string Id,
    string? InResponseTo,
    string PatientId,
    string SenderRef,
    IReadOnlyList<string> RecipientRefs,
    string? Topic,
    string Text,
    IReadOnlyList<MessageAttachment> Attachments,
    DateTimeOffset Sent,
    string Status,
    QuestionKind Kind,
    bool? ClosedForPatient,
    LocalDate? ExpectedAnswerDate,
    string? StatusReason,
    long Version,
    JsonElement Resource)
{
    public bool FromPatient => SenderRef.StartsWith("Patient/", StringComparison.Ordinal) || SenderRef.StartsWith("RelatedPerson/", StringComparison.Ordinal);

    public bool HandledWithoutReply => StatusReason == KnownEConsult.HandledWithoutReply;

    public static EConsultMessage Parse(JsonElement c)
    {
        var kind = QuestionKind.Medical;
        foreach (var code in Codes(c, "category"))
        {
            if (code == KnownEConsult.Other) kind = QuestionKind.Other;
            else if (code == KnownEConsult.SystemMessage) kind = QuestionKind.System;
        }
        string text = "";
        var attachments = new List<MessageAttachment>();
        if (c.TryGetProperty("payload", out var payload))
        {
            foreach (var p in payload.EnumerateArray())
            {
                if (p.TryGetProperty("contentString", out var s))
                    text = text.Length == 0 ? s.GetString() ?? "" : text + "\n\n" + s.GetString();
                else if (p.TryGetProperty("contentAttachment", out var a))
                    attachments.Add(new MessageAttachment(Str(a, "contentType") ?? "application/octet-stream", Str(a, "title") ?? "bijlage",
                        a.TryGetProperty("size", out var size) ? size.GetInt64() : 0, Str(a, "data") ?? ""));
            }
        }
        bool? closed = null;
        LocalDate? expected = null;
        if (c.TryGetProperty("extension", out var extensions))
        {
            foreach (var e in extensions.EnumerateArray())
            {
                var url = Str(e, "url");
                if (url == KnownEConsult.ClosedForPatient && e.TryGetProperty("valueBoolean", out var b))
                    closed = b.GetBoolean();
                else if (url == KnownEConsult.ExpectedAnswerDate && Str(e, "valueDate") is { } d && LocalDatePattern.Iso.Parse(d) is { Success: true } r)
                    expected = r.Value;
            }
        }
        return new EConsultMessage(
            Str(c, "id")!,
            c.TryGetProperty("inResponseTo", out var irt) && irt.GetArrayLength() > 0 ? LocalId(Str(irt[0], "reference")) : null,
            LocalId(c.TryGetProperty("subject", out var subject) ? Str(subject, "reference") : null) ?? "",
            c.TryGetProperty("sender", out var sender) ? Str(sender, "reference") ?? "" : "",
            c.TryGetProperty("recipient", out var recipients) ? recipients.EnumerateArray().Select(r => Str(r, "reference")).OfType<string>().ToList() : [],
            c.TryGetProperty("topic", out var topic) ? Str(topic, "text") : null,
            text,
            attachments,
            DateTimeOffset.Parse(Str(c, "sent") ?? Str(c.GetProperty("meta"), "lastUpdated")!, CultureInfo.InvariantCulture),
            Str(c, "status") ?? "unknown",
            kind,
            closed,
            expected,
            Codes(c, "statusReason").FirstOrDefault(),
            c.TryGetProperty("meta", out var meta) && Str(meta, "versionId") is { } v ? long.Parse(v, CultureInfo.InvariantCulture) : 1,
            c.Clone());
    }

    private static IEnumerable<string> Codes(JsonElement c, string property)
    {
        if (!c.TryGetProperty(property, out var value)) yield break;
        var concepts = value.ValueKind == JsonValueKind.Array ? value.EnumerateArray().ToList() : [value];
        foreach (var concept in concepts)
        {
            if (!concept.TryGetProperty("coding", out var codings)) continue;
            foreach (var coding in codings.EnumerateArray())
                if (Str(coding, "code") is { } code) yield return code;
        }
    }

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>"Communication/abc" or "Patient/abc" (relative reference) to "abc".</summary>
    public static string? LocalId(string? reference) =>
        reference is null ? null : reference[(reference.LastIndexOf('/') + 1)..];
}

/// <summary>
/// A conversation: the first message and everything that answers it (directly or through another reply),
/// in the order sent. State is derived from the messages, so replies a HIS posts through FHIR count the
/// same as replies from the portal.
/// </summary>
public sealed class EConsultThread
{
    public EConsultThread(IReadOnlyList<EConsultMessage> messages)
    {
        // A reply comes after what it answers even when its clock says otherwise (a HIS may send whole
        // seconds, or run behind): order by the latest time along the chain, then by depth.
        var byId = messages.ToDictionary(m => m.Id, StringComparer.Ordinal);
        var order = new Dictionary<string, (DateTimeOffset At, int Depth)>(StringComparer.Ordinal);
        (DateTimeOffset At, int Depth) Position(EConsultMessage m)
        {
            if (order.TryGetValue(m.Id, out var known))
                return known;
            order[m.Id] = (m.Sent, 0);
            var position = (At: m.Sent, Depth: 0);
            if (m.InResponseTo is { } parent && byId.TryGetValue(parent, out var p))
            {
                var (at, depth) = Position(p);
                position = (at > m.Sent ? at : m.Sent, depth + 1);
            }
            order[m.Id] = position;
            return position;
        }
        Messages = messages.OrderBy(m => Position(m).At).ThenBy(m => Position(m).Depth).ThenBy(m => m.Id, StringComparer.Ordinal).ToList();
        Root = Messages.FirstOrDefault(m => m.InResponseTo is null || !byId.ContainsKey(m.InResponseTo)) ?? Messages[0];
    }

    public IReadOnlyList<EConsultMessage> Messages { get; }
    public EConsultMessage Root { get; }
    public string Id => Root.Id;
    public string PatientId => Root.PatientId;
    public QuestionKind Kind => Root.Kind;
    public string? Topic => Root.Topic;
    public EConsultMessage Last => Messages[^1];

    /// <summary>The practice recipient the patient chose (a Practitioner or a PractitionerRole group).</summary>
    public string? PracticeRecipient =>
        Messages.Where(m => m.FromPatient).SelectMany(m => m.RecipientRefs).FirstOrDefault(r => !r.StartsWith("Patient/", StringComparison.Ordinal));

    /// <summary>Patient messages nobody has answered or handled yet (status in-progress in FHIR terms).</summary>
    public IReadOnlyList<EConsultMessage> Unanswered
    {
        get
        {
            var after = 0;
            for (var i = 0; i < Messages.Count; i++)
                if (!Messages[i].FromPatient) after = i + 1;
            return Messages.Skip(after).Where(m => m.FromPatient && m.Status == "in-progress" && !m.HandledWithoutReply).ToList();
        }
    }

    public bool AwaitingAnswer => Unanswered.Count > 0;

    /// <summary>When the oldest unanswered question came in: the due date counts from here.</summary>
    public DateTimeOffset? ReceivedAt => Unanswered.FirstOrDefault()?.Sent;

    /// <summary>
    /// Closed for the patient once the practice said so on its latest message; a practice message
    /// without the extension (a HIS that does not know it) closes it too, as seed practices expect.
    /// </summary>
    public bool ClosedForPatient => Messages.LastOrDefault(m => !m.FromPatient) is { } last && last.ClosedForPatient != false;

    public LocalDate? ExpectedAnswerDate => Messages.LastOrDefault(m => !m.FromPatient)?.ExpectedAnswerDate;

    /// <summary>Answered on behalf of an absent practitioner: the real answer is still to come, by <see cref="ExpectedAnswerDate"/>.</summary>
    public bool AwaitingFollowUp => !AwaitingAnswer && ExpectedAnswerDate is not null;

    public bool HandledWithoutReply => Messages.Any(m => m.HandledWithoutReply) && Messages.LastOrDefault(m => m.FromPatient)?.HandledWithoutReply == true;

    /// <summary>Groups messages into threads by following inResponseTo to the first message.</summary>
    public static List<EConsultThread> Group(IEnumerable<EConsultMessage> messages)
    {
        var byId = new Dictionary<string, EConsultMessage>(StringComparer.Ordinal);
        foreach (var m in messages) byId[m.Id] = m;
        string RootOf(EConsultMessage m)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            while (m.InResponseTo is { } parent && byId.TryGetValue(parent, out var p) && seen.Add(m.Id))
                m = p;
            return m.Id;
        }
        return byId.Values.GroupBy(RootOf, StringComparer.Ordinal).Select(g => new EConsultThread(g.ToList())).ToList();
    }
}
