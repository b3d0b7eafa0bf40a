using System.Buffers;
using System.Text.Json;
using Fhir.Server.Features.Outcomes;
using Fhir.Server.Features.Resources;
using Fhir.Server.Features.Security;
using Fhir.Server.Search;
using Fhir.Server.Store;
using Microsoft.Extensions.DependencyInjection;

namespace Fhir.Server.Features.Bundles;

/// <summary>
/// Transactions and batches, https://hl7.org/fhir/R4/http.html#transaction. A transaction is one
/// unit of work in the store: all entries commit together or none do. Entries run in the spec's
/// order (DELETE, POST, PUT/PATCH, then GET after the commit), <c>urn:uuid:</c> fullUrls and
/// conditional references (<c>Patient?identifier=...</c>) are resolved before anything is written, and
/// conditions that decided an id are checked again inside the transaction so a concurrent writer
/// cannot slip in between. A batch runs each entry on its own; one failing entry spoils no other.
/// With a <see cref="FhirAccessJournal"/>, every entry is checked against the access policy's scope
/// rules and what each entry wrote or read is recorded for the access log.
/// </summary>
public sealed class BundleProcessor(ResourceService resources, IResourceStore store, IServiceProvider services)
{
    private IFhirSearch Search => services.GetService<IFhirSearch>()
        ?? throw new FhirException(501, IssueCodes.NotSupported, "Conditional interactions need search, which this server instance does not run");

    public async Task<byte[]> ProcessAsync(ReadOnlyMemory<byte> body, string baseUrl, string? preferReturn, CancellationToken ct, FhirAccessJournal? access = null)
    {
        // The entries' resources are elements of this one document until the response is rendered.
        using var document = FhirJson.Parse(body);
        var bundle = document.RootElement;
        if (bundle.ValueKind != JsonValueKind.Object || FhirJson.StringProperty(bundle, "resourceType") != "Bundle")
            throw FhirException.BadRequest("POST to the base URL takes a Bundle of type transaction or batch");
        var type = FhirJson.StringProperty(bundle, "type");
        if (type is not ("transaction" or "batch"))
            throw new FhirException(400, IssueCodes.Invalid, $"Bundle.type is '{type}'; only transaction and batch can be processed", "Bundle.type");
        var entries = new List<BundleEntryRequest>();
        if (bundle.TryGetProperty("entry", out var array) && array.ValueKind != JsonValueKind.Null)
        {
            if (array.ValueKind != JsonValueKind.Array)
                throw new FhirException(400, IssueCodes.Structure, "Bundle.entry must be an array", "Bundle.entry");
            var i = 0;
            foreach (var item in array.EnumerateArray())
                entries.Add(BundleEntryRequest.Parse(item, i++));
        }

        var results = type == "transaction"
            ? await TransactionAsync(entries, baseUrl, access, ct)
            : await BatchAsync(entries, baseUrl, access, ct);
        return Render(type + "-response", results, baseUrl, preferReturn);
    }

    /// <summary>
    /// One conditional interaction from the REST API (conditional create, update or delete), run as
    /// a transaction of one entry so the rules are the same as inside a bundle.
    /// </summary>
    public async Task<(int Status, StoredResource? Resource)> ExecuteConditionalAsync(
        string method, string type, string? query, ReadOnlyMemory<byte> body, string? ifNoneExist, long? ifMatch, string baseUrl, CancellationToken ct,
        FhirAccessJournal? access = null)
    {
        using var document = body.IsEmpty ? null : FhirJson.Parse(body);
        JsonElement? resource = null;
        if (document is not null)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new FhirException(400, IssueCodes.Structure, "A FHIR resource must be a JSON object");
            resource = document.RootElement;
        }
        var entry = new BundleEntryRequest
        {
            Index = 0,
            Method = method,
            Url = query is null ? type : $"{type}?{query}",
            Type = type,
            Query = query,
            Resource = resource,
            IfNoneExist = ifNoneExist?.TrimStart('?'),
            IfMatch = ifMatch,
            Standalone = true,
        };
        var result = (await TransactionAsync([entry], baseUrl, access, ct))[0];
        return (int.Parse(result.StatusLine.AsSpan(0, 3), System.Globalization.CultureInfo.InvariantCulture), result.Resource);
    }

    private async Task<EntryResult[]> TransactionAsync(List<BundleEntryRequest> entries, string baseUrl, FhirAccessJournal? access, CancellationToken ct)
    {
        foreach (var entry in entries)
        {
            if (entry.Type is not null && entry.Type != "metadata")
                resources.EnsureType(entry.Type);
            if (access is not null)
                AtEntry(entry, () => { Check(access, entry); return true; });
        }
        var identities = AssignIdentities(entries, baseUrl);
        var documents = new List<JsonDocument>();
        try
        {
            var prepared = new Dictionary<int, ValidatedResource>();
            var patches = new Dictionary<int, JsonPatch>();
            foreach (var entry in entries)
            {
                if (entry.Resource is { } resource && entry.Method is "POST" or "PUT")
                {
                    var id = entry.Method == "PUT" ? entry.AssignedId ?? entry.Id : null;
                    var (root, canonical) = Copy(resource, identities, entry, id, documents);
                    prepared[entry.Index] = AtEntry(entry, () => resources.Validate(root, entry.Type!, canonicalJson: canonical));
                }
                else if (entry.Method == "PATCH")
                {
                    patches[entry.Index] = AtEntry(entry, () => PatchOf(entry));
                }
            }

            var results = new EntryResult[entries.Count];
            await store.WriteAsync(session =>
            {
                foreach (var entry in entries.Where(e => e.Phase < 3).OrderBy(e => e.Phase).ThenBy(e => e.Index))
                    results[entry.Index] = AtEntry(entry, () => Write(session, entry, prepared.GetValueOrDefault(entry.Index), patches.GetValueOrDefault(entry.Index)));
                return true;
            }, ct);
            if (access is not null)
            {
                foreach (var entry in entries.Where(e => e.Phase < 3))
                    Record(access, entry, results[entry.Index]);
            }
            foreach (var entry in entries.Where(e => e.Phase == 3))
                results[entry.Index] = await ReadEntryAsync(entry, baseUrl, access, ct);
            return results;
        }
        finally
        {
            foreach (var document in documents)
                document.Dispose();
        }
    }

    private async Task<EntryResult[]> BatchAsync(List<BundleEntryRequest> entries, string baseUrl, FhirAccessJournal? access, CancellationToken ct)
    {
        var results = new EntryResult[entries.Count];
        var documents = new List<JsonDocument>();
        foreach (var entry in entries)
        {
            try
            {
                if (entry.Type is not null && entry.Type != "metadata")
                    resources.EnsureType(entry.Type);
                if (access is not null)
                    Check(access, entry);
                if (entry.Phase == 3)
                {
                    results[entry.Index] = await ReadEntryAsync(entry, baseUrl, access, ct);
                    continue;
                }
                var validated = PrepareBatchResource(entry, documents);
                var patch = entry.Method == "PATCH" ? PatchOf(entry) : null;
                results[entry.Index] = await store.WriteAsync(session => Write(session, entry, validated, patch), ct);
                if (access is not null)
                    Record(access, entry, results[entry.Index]);
            }
            catch (FhirException ex)
            {
                results[entry.Index] = EntryResult.Failed(ex.Status, ex.Issues);
            }
            finally
            {
                foreach (var document in documents)
                    document.Dispose();
                documents.Clear();
            }
        }
        return results;
    }

    /// <summary>A batch entry's resource with conditional references resolved and a PUT's id set, validated.</summary>
    private ValidatedResource? PrepareBatchResource(BundleEntryRequest entry, List<JsonDocument> documents)
    {
        if (entry.Resource is not { } resource || entry.Method is not ("POST" or "PUT"))
            return null;
        // Conditional references first, as their failures come before the entry's own conditions.
        var (root, canonical) = Copy(resource, NoIdentities, entry, null, documents);
        if (entry.Method == "POST" && entry.IfNoneExist is { } condition)
        {
            var matches = Search.FindIds(null, entry.Type!, condition, 2);
            if (matches.Count > 1)
                throw new FhirException(412, IssueCodes.Conflict, $"ifNoneExist '{condition}' matches more than one {entry.Type}");
            entry.AssignedId = matches.Count == 1 ? matches[0] : null;
        }
        if (entry.Method == "PUT" && entry.Query is not null)
            entry.AssignedId = ResolveConditionalUpdate(entry, null);
        if (entry.Method == "PUT")
        {
            var id = entry.AssignedId ?? entry.Id;
            if (EntryResourceCopy.Copy(root, NoIdentities, null, id) is { } withId)
                (root, canonical) = (Parsed(withId, documents), true);
        }
        return resources.Validate(root, entry.Type!, canonicalJson: canonical);
    }

    private static readonly Dictionary<string, string> NoIdentities = [];

    /// <summary>
    /// The entry's resource as it will be written (see <see cref="EntryResourceCopy"/>); canonical when it
    /// is a copy this server wrote, whose raw JSON can be stored as it is.
    /// </summary>
    private (JsonElement Root, bool Canonical) Copy(JsonElement resource, Dictionary<string, string> identities, BundleEntryRequest entry, string? id, List<JsonDocument> documents)
    {
        var copy = EntryResourceCopy.Copy(resource, identities, reference => ResolveConditionalReference(reference, entry), id);
        return copy is null ? (resource, false) : (Parsed(copy, documents), true);
    }

    /// <summary>A copy comes from a document that was checked for duplicate properties and adds none, so it is not checked again.</summary>
    private static readonly JsonDocumentOptions CopyOptions = FhirJson.DocumentOptions with { AllowDuplicateProperties = true };

    private static JsonElement Parsed(byte[] json, List<JsonDocument> documents)
    {
        var document = JsonDocument.Parse(json, CopyOptions);
        documents.Add(document);
        return document.RootElement;
    }

    /// <summary>Decides the id of every POST and conditional PUT and maps each fullUrl to Type/id.</summary>
    private Dictionary<string, string> AssignIdentities(List<BundleEntryRequest> entries, string baseUrl)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            switch (entry.Method)
            {
                case "POST":
                    if (entry.Id is not null)
                        throw BundleEntryRequest.Invalid($"{entry.Location}.request.url", "of a POST must name only the type");
                    if (entry.IfNoneExist is { } condition)
                    {
                        var matches = Search.FindIds(null, entry.Type!, condition, 2);
                        if (matches.Count > 1)
                            throw AtEntryError(entry, new FhirException(412, IssueCodes.Conflict, $"ifNoneExist '{condition}' matches more than one {entry.Type}"));
                        entry.AssignedId = matches.Count == 1 ? matches[0] : null;
                    }
                    entry.AssignedId ??= ResourceService.NewId();
                    break;
                case "PUT":
                    if (entry.Query is not null)
                        entry.AssignedId = AtEntry(entry, () => ResolveConditionalUpdate(entry, null));
                    else if (entry.Id is null)
                        throw BundleEntryRequest.Invalid($"{entry.Location}.request.url", "of a PUT must be [type]/[id] or [type]?[query]");
                    break;
            }
            if (entry.FullUrl is { } fullUrl && entry.Method is "POST" or "PUT")
            {
                var id = entry.AssignedId ?? entry.Id;
                if (id is not null && !map.TryAdd(fullUrl, $"{entry.Type}/{id}"))
                    throw BundleEntryRequest.Invalid($"{entry.Location}.fullUrl", $"'{fullUrl}' appears more than once");
                if (id is not null && fullUrl.StartsWith(baseUrl + "/", StringComparison.Ordinal))
                    map.TryAdd(fullUrl[(baseUrl.Length + 1)..], $"{entry.Type}/{id}");
            }
        }
        return map;
    }

    /// <summary>0 matches: the resource's own id or a new one; 1: that resource; more: 412.</summary>
    private string ResolveConditionalUpdate(BundleEntryRequest entry, IWriteSession? session)
    {
        var matches = Search.FindIds(session, entry.Type!, entry.Query!, 2);
        var bodyId = entry.Resource is { } resource ? FhirJson.StringProperty(resource, "id") : null;
        return matches.Count switch
        {
            0 => bodyId ?? ResourceService.NewId(),
            1 when bodyId is not null && bodyId != matches[0] =>
                throw new FhirException(400, IssueCodes.Invalid, $"The resource id {bodyId} differs from the {entry.Type} the condition found ({matches[0]})"),
            1 => matches[0],
            _ => throw new FhirException(412, IssueCodes.Conflict, $"The condition '{entry.Query}' matches more than one {entry.Type}"),
        };
    }

    private EntryResult Write(IWriteSession session, BundleEntryRequest entry, ValidatedResource? validated, JsonPatch? patch)
    {
        switch (entry.Method)
        {
            case "DELETE":
            {
                var id = entry.Id;
                if (id is null)
                {
                    var matches = Search.FindIds(session, entry.Type!, entry.Query ?? "", 2);
                    if (matches.Count > 1)
                        throw new FhirException(412, IssueCodes.Conflict, $"The condition '{entry.Query}' matches more than one {entry.Type}");
                    if (matches.Count == 0)
                        return EntryResult.Status("204 No Content");
                    id = matches[0];
                }
                var before = session.ReadCurrent(entry.Type!, id);
                var deleted = resources.DeleteIn(session, entry.Type!, id, entry.IfMatch);
                return deleted is null ? EntryResult.Status("204 No Content") : new EntryResult("204 No Content", deleted, false) { Before = before };
            }
            case "POST":
            {
                if (entry.IfNoneExist is { } condition)
                {
                    var matches = Search.FindIds(session, entry.Type!, condition, 2);
                    if (matches.Count > 1)
                        throw new FhirException(412, IssueCodes.Conflict, $"ifNoneExist '{condition}' matches more than one {entry.Type}");
                    if (matches.Count == 1)
                    {
                        if (entry.AssignedId is not null && matches[0] != entry.AssignedId)
                            throw new FhirException(409, IssueCodes.Conflict, $"A concurrent write changed what '{condition}' matches; retry");
                        var existing = session.ReadCurrent(entry.Type!, matches[0])!;
                        return new EntryResult("200 OK", existing, true);
                    }
                }
                var created = resources.CreateIn(session, validated!, entry.AssignedId);
                return new EntryResult("201 Created", created, true);
            }
            case "PUT":
            {
                var id = entry.AssignedId ?? entry.Id!;
                if (entry.Query is not null && ResolveConditionalUpdate(entry, session) != id)
                    throw new FhirException(409, IssueCodes.Conflict, $"A concurrent write changed what '{entry.Query}' matches; retry");
                var outcome = resources.PutIn(session, validated!, id, entry.IfMatch);
                return new EntryResult(outcome.Created ? "201 Created" : "200 OK", outcome.Resource, true);
            }
            case "PATCH":
            {
                if (entry.Id is null)
                    throw BundleEntryRequest.Invalid($"{entry.Location}.request.url", "of a PATCH must be [type]/[id]");
                var outcome = resources.PatchIn(session, entry.Type!, entry.Id, patch!, entry.IfMatch);
                return new EntryResult("200 OK", outcome.Resource, true);
            }
            default:
                throw new InvalidOperationException($"{entry.Method} is not a write");
        }
    }

    private async Task<EntryResult> ReadEntryAsync(BundleEntryRequest entry, string baseUrl, FhirAccessJournal? access, CancellationToken ct)
    {
        try
        {
            if (entry.Type is null || entry.Id is null)
            {
                var bundle = await Search.SearchBundleAsync(entry.Type, entry.Query ?? "", baseUrl, access, ct);
                return new EntryResult("200 OK", null, true) { Body = bundle };
            }
            var found = entry.VersionId is null
                ? await resources.ReadAsync(entry.Type, entry.Id, ct)
                : await resources.ReadVersionAsync(entry.Type, entry.Id, entry.VersionId, ct);
            access?.Add(new FhirAccessRecord(entry.VersionId is null ? FhirInteraction.Read : FhirInteraction.VRead, found.Type, found.Id, null, found.Json));
            return new EntryResult("200 OK", found, entry.Method == "GET");
        }
        catch (FhirException ex)
        {
            return EntryResult.Failed(ex.Status, ex.Issues);
        }
    }

    private static void Check(FhirAccessJournal access, BundleEntryRequest entry)
    {
        var interaction = entry.Method switch
        {
            "POST" => FhirInteraction.Create,
            "PUT" => FhirInteraction.Update,
            "PATCH" => FhirInteraction.Patch,
            "DELETE" => FhirInteraction.Delete,
            _ => entry.Type is null || entry.Id is null ? FhirInteraction.Search : FhirInteraction.Read,
        };
        if (entry.Type != "metadata")
            access.Check(interaction, entry.Type);
    }

    /// <summary>What a write entry did, for the access log: the version it stored (or, for a delete, the one it ended).</summary>
    private static void Record(FhirAccessJournal access, BundleEntryRequest entry, EntryResult result)
    {
        if (result.Resource is not { } stored)
            return;
        var interaction = entry.Method switch
        {
            "POST" when result.StatusLine.StartsWith("200", StringComparison.Ordinal) => FhirInteraction.Read,
            "POST" => FhirInteraction.Create,
            "PUT" => FhirInteraction.Update,
            "PATCH" => FhirInteraction.Patch,
            _ => FhirInteraction.Delete,
        };
        var json = stored.Json ?? result.Before?.Json;
        access.Add(new FhirAccessRecord(interaction, stored.Type, stored.Id, null, json));
    }

    /// <summary>A PATCH entry carries a Binary whose data is a JSON Patch document.</summary>
    private static JsonPatch PatchOf(BundleEntryRequest entry)
    {
        if (entry.Resource is { } binary
            && FhirJson.StringProperty(binary, "resourceType") == "Binary"
            && FhirJson.StringProperty(binary, "contentType") is "application/json-patch+json"
            && FhirJson.StringProperty(binary, "data") is { } data)
        {
            byte[] bytes;
            try
            {
                bytes = Convert.FromBase64String(data);
            }
            catch (FormatException)
            {
                throw BundleEntryRequest.Invalid($"{entry.Location}.resource.data", "is not base64");
            }
            return JsonPatch.Parse(bytes);
        }
        throw new FhirException(400, IssueCodes.NotSupported,
            "A PATCH entry must carry a Binary with contentType application/json-patch+json (FHIRPath Patch is not supported)", $"{entry.Location}.resource");
    }

    /// <summary>https://hl7.org/fhir/R4/http.html#trules: a reference Type?query must find exactly one resource.</summary>
    private string ResolveConditionalReference(string reference, BundleEntryRequest entry)
    {
        var q = reference.IndexOf('?');
        var type = reference[..q];
        resources.EnsureType(type);
        var matches = Search.FindIds(null, type, reference[(q + 1)..], 2);
        if (matches.Count != 1)
            throw AtEntryError(entry, new FhirException(412, IssueCodes.NotFound,
                $"The conditional reference '{reference}' matches {(matches.Count == 0 ? "no" : "more than one")} {type}"));
        return $"{type}/{matches[0]}";
    }

    private static T AtEntry<T>(BundleEntryRequest entry, Func<T> action)
    {
        try
        {
            return action();
        }
        catch (FhirException ex)
        {
            throw AtEntryError(entry, ex);
        }
    }

    /// <summary>Says which entry failed, so the client can find it in a rejected transaction.</summary>
    private static FhirException AtEntryError(BundleEntryRequest entry, FhirException ex)
    {
        if (entry.Standalone || ex.Issues.Any(i => i.Diagnostics.StartsWith("Bundle.entry[", StringComparison.Ordinal)))
            return ex;
        return new FhirException(ex.Status, ex.Issues
            .Select(i => i with { Diagnostics = $"{entry.Location} ({entry.Describe()}): {i.Diagnostics}", Expression = i.Expression ?? entry.Location })
            .ToList());
    }

    private static byte[] Render(string type, EntryResult[] results, string baseUrl, string? preferReturn)
    {
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        using (var w = new Utf8JsonWriter(buffer, FhirJson.WriterOptions))
        {
            FhirJson.WriteBundleStart(w, type);
            w.WriteStartArray("entry");
            foreach (var result in results)
            {
                w.WriteStartObject();
                if (result.Resource is { } stored)
                {
                    w.WriteString("fullUrl", $"{baseUrl}/{stored.Type}/{stored.Id}");
                    if (result.IncludeBody && stored.Json is not null && preferReturn != "minimal")
                    {
                        w.WritePropertyName("resource");
                        w.WriteRawValue(stored.Json, skipInputValidation: true);
                    }
                }
                else if (result.Body is not null && preferReturn != "minimal")
                {
                    w.WritePropertyName("resource");
                    w.WriteRawValue(result.Body, skipInputValidation: true);
                }
                w.WriteStartObject("response");
                w.WriteString("status", result.StatusLine);
                if (result.Resource is { } r)
                {
                    if (!r.IsDeleted)
                        w.WriteString("location", $"{baseUrl}/{r.Type}/{r.Id}/_history/{r.Version}");
                    w.WriteString("etag", r.ETag);
                    w.WriteString("lastModified", FhirJson.FormatInstant(r.LastUpdated));
                }
                if (result.Issues is { } issues)
                {
                    w.WritePropertyName("outcome");
                    OperationOutcomeWriter.Write(w, issues);
                }
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private sealed record EntryResult(string StatusLine, StoredResource? Resource, bool IncludeBody)
    {
        public byte[]? Body { get; init; }

        public IReadOnlyList<OutcomeIssue>? Issues { get; init; }

        /// <summary>For a delete: the version it ended, whose patients the access log names.</summary>
        public StoredResource? Before { get; init; }

        public static EntryResult Status(string line) => new(line, null, false);

        public static EntryResult Failed(int status, IReadOnlyList<OutcomeIssue> issues) =>
            new($"{status} {ReasonPhrase(status)}", null, false) { Issues = issues };

        private static string ReasonPhrase(int status) => status switch
        {
            400 => "Bad Request",
            401 => "Unauthorized",
            403 => "Forbidden",
            404 => "Not Found",
            409 => "Conflict",
            410 => "Gone",
            412 => "Precondition Failed",
            422 => "Unprocessable Entity",
            501 => "Not Implemented",
            _ => "Error",
        };
    }
}
