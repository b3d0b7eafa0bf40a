using System.Buffers;
using System.Text.Json;
using Fhir.Server;
using Fhir.Server.Search.Indexing;

namespace Identity.Audit;

/// <summary>
/// The AuditEvents of the access log, generated straight to JSON together with their search index
/// rows. Because the server writes them itself they skip validation and FHIRPath extraction;
/// tests prove both stay equal to what validation and the full indexer would give
/// (<c>AuditEventDocumentTests</c>). https://hl7.org/fhir/R4/auditevent.html
/// </summary>
public static class AuditEventDocument
{
    /// <summary>
    /// The AuditEvent search parameters this server indexes (and so supports): enough to find a
    /// patient's accesses, a requester's accesses and a period. The registry offers only these for AuditEvent.
    /// </summary>
    public static IReadOnlySet<string> IndexedParameters => SearchParameterRegistry.LimitedOfficialParameters["AuditEvent"];

    private const string TypeSystem = "http://terminology.hl7.org/CodeSystem/audit-event-type";
    private const string SubtypeSystem = "http://hl7.org/fhir/restful-interaction";
    private const string ActionSystem = "http://hl7.org/fhir/audit-event-action";
    private const string ClientIdSystem = "urn:ietf:params:oauth:client-id";

    /// <summary>Who asked, as one AuditEvent groups it.</summary>
    public sealed record Requester(
        string Action, string Interaction, string Who, string? WhoReference, string? Role, string? Organization, string? OnBehalfOf, string? ClientId);

    /// <summary>The accesses of one requester folded into one AuditEvent.</summary>
    public sealed class Access(Requester requester, DateTimeOffset first)
    {
        public Requester Requester { get; } = requester;

        public string Who => Requester.Who;

        public string Interaction => Requester.Interaction;

        public DateTimeOffset Start { get; private set; } = first;

        public DateTimeOffset End { get; private set; } = first;

        /// <summary>Each patient with the last time their record was accessed in this event.</summary>
        public Dictionary<string, DateTimeOffset> Patients { get; } = new(StringComparer.Ordinal);

        public HashSet<string> Resources { get; } = new(StringComparer.Ordinal);

        /// <summary>The searches (as requested) whose results this event covers, each once.</summary>
        public HashSet<string> Queries { get; } = new(StringComparer.Ordinal);

        private readonly List<string> _resourceOrder = [];
        private readonly List<string> _patientOrder = [];
        private readonly List<string> _queryOrder = [];

        public int EntityCount => Patients.Count + Resources.Count + Queries.Count;

        public void AddQuery(string query)
        {
            if (Queries.Add(query))
                _queryOrder.Add(query);
        }

        public IEnumerable<string> QueriesInOrder => _queryOrder;

        public void Add(DateTimeOffset when, string patient, string? reference)
        {
            if (when < Start) Start = when;
            if (when > End) End = when;
            if (!Patients.TryGetValue(patient, out var last))
                _patientOrder.Add(patient);
            if (when > last)
                Patients[patient] = when;
            if (reference is not null && reference != "Patient/" + patient && Resources.Add(reference))
                _resourceOrder.Add(reference);
        }

        public IEnumerable<string> PatientsInOrder => _patientOrder;

        public IEnumerable<string> ResourcesInOrder => _resourceOrder.Where(r => !(r.StartsWith("Patient/", StringComparison.Ordinal) && Patients.ContainsKey(r["Patient/".Length..])));
    }

    /// <summary>The stored JSON, with id and meta as the resource service would write them.</summary>
    public static byte[] Write(Access access, string id, DateTimeOffset lastUpdated)
    {
        var r = access.Requester;
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer, FhirJson.WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("resourceType", "AuditEvent");
            w.WriteString("id", id);
            w.WriteStartObject("meta");
            w.WriteString("versionId", "1");
            w.WriteString("lastUpdated", FhirJson.FormatInstant(lastUpdated));
            w.WriteEndObject();
            w.WriteStartObject("type");
            w.WriteString("system", TypeSystem);
            w.WriteString("code", "rest");
            w.WriteString("display", "RESTful Operation");
            w.WriteEndObject();
            w.WriteStartArray("subtype");
            w.WriteStartObject();
            w.WriteString("system", SubtypeSystem);
            w.WriteString("code", r.Interaction);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteString("action", r.Action);
            w.WriteStartObject("period");
            w.WriteString("start", FhirJson.FormatInstant(access.Start));
            w.WriteString("end", FhirJson.FormatInstant(access.End));
            w.WriteEndObject();
            w.WriteString("recorded", FhirJson.FormatInstant(access.End));
            w.WriteString("outcome", "0");

            w.WriteStartArray("agent");
            w.WriteStartObject();
            WriteCoding(w, "type", "http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "IRCP", "information recipient", asConcept: true);
            if (r.Role is { } role)
            {
                w.WriteStartArray("role");
                w.WriteStartObject();
                w.WriteString("text", role);
                w.WriteEndObject();
                w.WriteEndArray();
            }
            w.WriteStartObject("who");
            if (r.WhoReference is { } reference)
                w.WriteString("reference", reference);
            w.WriteString("display", r.Who);
            w.WriteEndObject();
            w.WriteString("altId", r.Who);
            w.WriteBoolean("requestor", true);
            w.WriteEndObject();
            if (r.OnBehalfOf is { } behalf)
            {
                w.WriteStartObject();
                w.WriteStartObject("type");
                w.WriteString("text", "namens (vertegenwoordigde)");
                w.WriteEndObject();
                w.WriteStartObject("who");
                w.WriteString("reference", behalf);
                w.WriteEndObject();
                w.WriteBoolean("requestor", false);
                w.WriteEndObject();
            }
            if (r.ClientId is { } client)
            {
                w.WriteStartObject();
                WriteCoding(w, "type", "http://dicom.nema.org/resources/ontology/DCM", "110150", "Application", asConcept: true);
                w.WriteStartObject("who");
                w.WriteStartObject("identifier");
                w.WriteString("system", ClientIdSystem);
                w.WriteString("value", client);
                w.WriteEndObject();
                w.WriteEndObject();
                w.WriteBoolean("requestor", false);
                w.WriteEndObject();
            }
            w.WriteEndArray();

            w.WriteStartObject("source");
            if (r.Organization is { } org)
                w.WriteString("site", $"Organization/{org}");
            w.WriteStartObject("observer");
            w.WriteString("display", "Huisartsportaal FHIR-server");
            w.WriteEndObject();
            w.WriteStartArray("type");
            WriteCoding(w, null, "http://terminology.hl7.org/CodeSystem/security-source-type", "4", "Application Server", asConcept: false);
            w.WriteEndArray();
            w.WriteEndObject();

            w.WriteStartArray("entity");
            foreach (var patient in access.PatientsInOrder)
            {
                w.WriteStartObject();
                w.WriteStartObject("what");
                w.WriteString("reference", "Patient/" + patient);
                w.WriteEndObject();
                WriteCoding(w, "type", "http://terminology.hl7.org/CodeSystem/audit-entity-type", "1", "Person", asConcept: false);
                WriteCoding(w, "role", "http://terminology.hl7.org/CodeSystem/object-role", "1", "Patient", asConcept: false);
                w.WriteEndObject();
            }
            foreach (var resource in access.ResourcesInOrder)
            {
                w.WriteStartObject();
                w.WriteStartObject("what");
                w.WriteString("reference", resource);
                w.WriteEndObject();
                WriteCoding(w, "type", "http://terminology.hl7.org/CodeSystem/audit-entity-type", "2", "System Object", asConcept: false);
                w.WriteEndObject();
            }
            foreach (var query in access.QueriesInOrder)
            {
                w.WriteStartObject();
                WriteCoding(w, "type", "http://terminology.hl7.org/CodeSystem/audit-entity-type", "2", "System Object", asConcept: false);
                WriteCoding(w, "role", "http://terminology.hl7.org/CodeSystem/object-role", "24", "Query", asConcept: false);
                w.WriteBase64String("query", System.Text.Encoding.UTF8.GetBytes(query));
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The rows the search indexer would extract for <see cref="IndexedParameters"/>.</summary>
    public static SearchIndexer.Rows IndexRows(Access access)
    {
        const string type = "AuditEvent";
        var r = access.Requester;
        var rows = new SearchIndexer.Rows();
        rows.Tokens.Add((ParamKey.For(type, "action"), r.Action, ActionSystem));
        rows.Tokens.Add((ParamKey.For(type, "type"), "rest", TypeSystem));
        rows.Tokens.Add((ParamKey.For(type, "subtype"), r.Interaction, SubtypeSystem));
        rows.Tokens.Add((ParamKey.For(type, "altid"), r.Who, ""));
        var recorded = access.End.ToUnixTimeMilliseconds();
        rows.Dates.Add((ParamKey.For(type, "date"), recorded, recorded));
        if (r.Organization is { } org)
            rows.Tokens.Add((ParamKey.For(type, "site"), $"Organization/{org}", ""));

        // No rows for patient: it is answered from the Patient rows of agent and entity (ReferenceAliases).
        var agent = ParamKey.For(type, "agent");
        var entity = ParamKey.For(type, "entity");
        if (r.WhoReference is { } who && Split(who) is { } whoRef)
            rows.References.Add((agent, whoRef.Id, whoRef.Type));
        if (r.OnBehalfOf is { } behalf && Split(behalf) is { } behalfRef)
            rows.References.Add((agent, behalfRef.Id, behalfRef.Type));
        if (r.ClientId is { } client)
            rows.Tokens.Add((ParamKey.For(type, "agent" + ParamKey.IdentifierSuffix), client, ClientIdSystem));
        foreach (var patient in access.PatientsInOrder)
            rows.References.Add((entity, patient, "Patient"));
        foreach (var resource in access.ResourcesInOrder)
        {
            if (Split(resource) is { } res)
                rows.References.Add((entity, res.Id, res.Type));
        }
        return rows;
    }

    private static (string Type, string Id)? Split(string reference)
    {
        var slash = reference.IndexOf('/');
        return slash > 0 ? (reference[..slash], reference[(slash + 1)..]) : null;
    }

    private static void WriteCoding(Utf8JsonWriter w, string? name, string system, string code, string display, bool asConcept)
    {
        if (name is null)
            w.WriteStartObject();
        else
            w.WriteStartObject(name);
        if (asConcept)
        {
            w.WriteStartArray("coding");
            w.WriteStartObject();
        }
        w.WriteString("system", system);
        w.WriteString("code", code);
        w.WriteString("display", display);
        if (asConcept)
        {
            w.WriteEndObject();
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }
}
