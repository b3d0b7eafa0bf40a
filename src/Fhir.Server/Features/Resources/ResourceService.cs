using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Fhir.Server.Definitions;
using Fhir.Server.Features.Outcomes;
using Fhir.Server.Store;
using Fhir.Server.Validation;

namespace Fhir.Server.Features.Resources;

public sealed record WriteOutcome(StoredResource Resource, bool Created);

/// <summary>A resource that passed validation for its type; the session-level writes accept only these.</summary>
public sealed class ValidatedResource
{
    internal ValidatedResource(string type, JsonElement root, object?[] prepared, bool canonicalJson)
    {
        Type = type;
        Root = root;
        Prepared = prepared;
        CanonicalJson = canonicalJson;
    }

    public string Type { get; }

    public JsonElement Root { get; }

    /// <summary>What each <see cref="IResourceIndexer"/> prepared, in registration order.</summary>
    internal object?[] Prepared { get; }

    /// <summary>The raw JSON of <see cref="Root"/> is as <see cref="FhirJson.WriterOptions"/> write it (minified, same escaping).</summary>
    internal bool CanonicalJson { get; }
}

/// <summary>
/// The one write path for clinical data: every create, update, patch and delete, whichever door it
/// came in by, is checked, validated, versioned and stored here.
/// https://hl7.org/fhir/R4/http.html
/// </summary>
public sealed partial class ResourceService(
    IResourceStore store,
    FhirDefinitions definitions,
    ResourceValidator validator,
    IEnumerable<IResourceIndexer> indexers,
    TimeProvider clock)
{
    private readonly IResourceIndexer[] _indexers = indexers.ToArray();

    public FhirDefinitions Definitions => definitions;

    public void EnsureType(string type)
    {
        if (!definitions.IsResourceType(type))
            throw FhirException.UnknownType(type);
    }

    public static void EnsureId(string id)
    {
        if (!IdPattern().IsMatch(id))
            throw FhirException.BadRequest($"'{id}' is not a valid resource id (1-64 characters: letters, digits, '-' and '.')");
    }

    /// https://hl7.org/fhir/R4/http.html#read
    public async Task<StoredResource> ReadAsync(string type, string id, CancellationToken ct = default)
    {
        EnsureType(type);
        EnsureId(id);
        var current = await store.ReadAsync(type, id, ct);
        if (current is null)
            throw FhirException.NotFound(type, id);
        if (current.IsDeleted)
            throw FhirException.Gone(type, id);
        return current;
    }

    /// https://hl7.org/fhir/R4/http.html#vread
    public async Task<StoredResource> ReadVersionAsync(string type, string id, string versionId, CancellationToken ct = default)
    {
        EnsureType(type);
        EnsureId(id);
        if (!long.TryParse(versionId, NumberStyles.None, CultureInfo.InvariantCulture, out var version) || version < 1)
            throw new FhirException(404, IssueCodes.NotFound, $"'{versionId}' is not a version of {type}/{id}");
        var found = await store.ReadVersionAsync(type, id, version, ct);
        if (found is null)
            throw new FhirException(404, IssueCodes.NotFound, $"{type}/{id} has no version {version}");
        if (found.IsDeleted)
            throw new FhirException(410, IssueCodes.Deleted, $"Version {version} of {type}/{id} is a deletion");
        return found;
    }

    /// https://hl7.org/fhir/R4/http.html#create
    public Task<WriteOutcome> CreateAsync(string type, ReadOnlyMemory<byte> body, CancellationToken ct = default)
    {
        EnsureType(type);
        var document = FhirJson.Parse(body);
        return CreateAsync(type, document, ct);
    }

    /// <summary>Creates from a parsed resource; the server assigns the id (an id in the body is ignored, as the spec says).</summary>
    public async Task<WriteOutcome> CreateAsync(string type, JsonDocument document, CancellationToken ct = default)
    {
        using (document)
        {
            var resource = Validate(document.RootElement, type);
            return await store.StoreFor(type).WriteAsync(session => new WriteOutcome(CreateIn(session, resource), Created: true), ct);
        }
    }

    /// https://hl7.org/fhir/R4/http.html#update (including create-on-update with the client's id)
    public Task<WriteOutcome> UpdateAsync(string type, string id, ReadOnlyMemory<byte> body, long? ifMatch, CancellationToken ct = default)
    {
        EnsureType(type);
        EnsureId(id);
        var document = FhirJson.Parse(body);
        return UpdateAsync(type, id, document, ifMatch, ct);
    }

    public async Task<WriteOutcome> UpdateAsync(string type, string id, JsonDocument document, long? ifMatch, CancellationToken ct = default)
    {
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                if (!root.TryGetProperty("id", out var bodyId) || bodyId.ValueKind != JsonValueKind.String)
                    throw FhirException.BadRequest($"The resource has no id; an update must carry id \"{id}\" as in the URL", $"{type}.id");
                if (bodyId.GetString() != id)
                    throw FhirException.BadRequest($"The id in the resource ({bodyId.GetString()}) differs from the id in the URL ({id})", $"{type}.id");
            }
            var resource = Validate(root, type);
            return await store.StoreFor(type).WriteAsync(session => PutIn(session, resource, id, ifMatch), ct);
        }
    }

    /// https://hl7.org/fhir/R4/http.html#patch with a JSON Patch (RFC 6902) document
    public async Task<WriteOutcome> PatchAsync(string type, string id, ReadOnlyMemory<byte> patchBody, long? ifMatch, CancellationToken ct = default)
    {
        EnsureType(type);
        EnsureId(id);
        var patch = JsonPatch.Parse(patchBody);
        return await store.StoreFor(type).WriteAsync(session => PatchIn(session, type, id, patch, ifMatch), ct);
    }

    /// <summary>Applies a JSON Patch to the current version inside the caller's transaction.</summary>
    public WriteOutcome PatchIn(IWriteSession session, string type, string id, JsonPatch patch, long? ifMatch)
    {
        var current = session.ReadCurrent(type, id);
        if (current is null)
            throw FhirException.NotFound(type, id);
        if (current.IsDeleted)
            throw FhirException.Gone(type, id);
        CheckVersion(type, id, current, ifMatch);
        var patched = patch.ApplyTo(current.Json!);
        using var document = JsonDocument.Parse(patched, FhirJson.DocumentOptions);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("resourceType", out var rt) || rt.ValueKind != JsonValueKind.String || rt.GetString() != type
            || !root.TryGetProperty("id", out var rid) || rid.ValueKind != JsonValueKind.String || rid.GetString() != id)
            throw new FhirException(422, IssueCodes.Processing, "A patch may not change the resource type or id");
        var resource = Validate(root, type, patchResult: true);
        return PutIn(session, resource, id, ifMatch: null, "PATCH");
    }

    /// https://hl7.org/fhir/R4/http.html#delete ; null when there was nothing to delete.
    public async Task<StoredResource?> DeleteAsync(string type, string id, long? ifMatch, CancellationToken ct = default)
    {
        EnsureType(type);
        EnsureId(id);
        return await store.StoreFor(type).WriteAsync(session => DeleteIn(session, type, id, ifMatch), ct);
    }

    /// <summary>Deletes inside the caller's transaction; null when there was nothing to delete.</summary>
    public StoredResource? DeleteIn(IWriteSession session, string type, string id, long? ifMatch)
    {
        var current = session.ReadCurrent(type, id);
        if (current is null || current.IsDeleted)
        {
            if (ifMatch is not null)
                throw new FhirException(412, IssueCodes.Conflict, $"{type}/{id} does not exist, so If-Match cannot hold");
            return null;
        }
        CheckVersion(type, id, current, ifMatch);
        return Append(session, type, id, current.Version + 1, "DELETE", null);
    }

    public Task<HistoryPage> HistoryAsync(HistoryQuery query, CancellationToken ct = default)
    {
        if (query.Type is not null)
            EnsureType(query.Type);
        if (query.Id is not null)
            EnsureId(query.Id);
        return store.HistoryAsync(query, ct);
    }

    /// <summary>Validates a body as <c>$validate</c> does: the issues, without storing anything.</summary>
    public IReadOnlyList<OutcomeIssue> Check(string type, ReadOnlyMemory<byte> body)
    {
        EnsureType(type);
        using var document = FhirJson.Parse(body);
        var root = document.RootElement;
        var (_, issues) = Inspect(root, type);
        return issues;
    }

    /// <summary>Creates with a new server id inside the caller's transaction.</summary>
    public StoredResource CreateIn(IWriteSession session, ValidatedResource resource, string? id = null) =>
        Append(session, resource.Type, id ?? NewId(), 1, "POST", resource);

    /// <summary>Updates (or creates with the given id) inside the caller's transaction.</summary>
    public WriteOutcome PutIn(IWriteSession session, ValidatedResource resource, string id, long? ifMatch, string method = "PUT")
    {
        var type = resource.Type;
        var current = session.ReadCurrent(type, id);
        if (current is null && ifMatch is not null)
            throw new FhirException(412, IssueCodes.Conflict, $"{type}/{id} does not exist, so If-Match cannot hold");
        if (current is not null)
            CheckVersion(type, id, current, ifMatch);
        var version = (current?.Version ?? 0) + 1;
        var stored = Append(session, type, id, version, method, resource);
        return new WriteOutcome(stored, Created: current is null || current.IsDeleted);
    }

    private StoredResource Append(IWriteSession session, string type, string id, long version, string method, ValidatedResource? resource)
    {
        var now = Now();
        var json = resource is null ? null : FhirJson.WithIdAndMeta(resource.Root, id, version, now, resource.CanonicalJson);
        var stored = session.Append(type, id, version, now, method, json);
        for (var i = 0; i < _indexers.Length; i++)
            _indexers[i].Index(session, stored, resource?.Prepared[i]);
        return stored;
    }

    private static void CheckVersion(string type, string id, StoredResource current, long? ifMatch)
    {
        if (ifMatch is { } expected && expected != current.Version)
            throw new FhirException(412, IssueCodes.Conflict,
                $"Version conflict: {type}/{id} is at version {current.Version}, If-Match asked for {expected}");
    }

    /// <summary>Validates a resource for writing; throws a 400/422 FhirException with the issues when it is not valid.</summary>
    /// <param name="canonicalJson">The raw JSON of <paramref name="root"/> was written with <see cref="FhirJson.WriterOptions"/>, so it can be stored as it is.</param>
    public ValidatedResource Validate(JsonElement root, string type, bool patchResult = false, bool canonicalJson = false)
    {
        EnsureType(type);
        var (status, issues) = Inspect(root, type);
        if (status != 0)
            throw new FhirException(patchResult ? 422 : status, issues);
        var prepared = new object?[_indexers.Length];
        for (var i = 0; i < _indexers.Length; i++)
            prepared[i] = _indexers[i].Prepare(type, root);
        return new ValidatedResource(type, root, prepared, canonicalJson);
    }

    /// <summary>Status 0 when valid; otherwise 400 for malformed resources, 422 for rule or profile violations.</summary>
    private (int Status, IReadOnlyList<OutcomeIssue> Issues) Inspect(JsonElement root, string type)
    {
        if (root.ValueKind != JsonValueKind.Object)
            return (400, [OutcomeIssue.Error(IssueCodes.Structure, "A FHIR resource must be a JSON object")]);
        if (!root.TryGetProperty("resourceType", out var rt) || rt.ValueKind != JsonValueKind.String)
            return (400, [OutcomeIssue.Error(IssueCodes.Required, "The resource has no resourceType", type)]);
        if (rt.GetString() != type)
            return (400, [OutcomeIssue.Error(IssueCodes.Invalid, $"The resource is a {rt.GetString()}, but the URL is for {type}", type)]);

        var result = validator.Validate(root, type);
        var issues = result.Issues.Select(ToOutcome).ToList();
        if (result.IsValid)
            return (0, issues);
        var ruleOnly = issues.Where(i => i.IsError).All(i => i.Code is IssueCodes.BusinessRule or "invariant" or IssueCodes.Processing);
        return (ruleOnly ? 422 : 400, issues);
    }

    private static OutcomeIssue ToOutcome(ValidationIssue issue) =>
        new(issue.SeverityCode, issue.Code, issue.Diagnostics, issue.Expression);

    private DateTimeOffset Now()
    {
        var now = clock.GetUtcNow();
        return DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds());
    }

    public static string NewId() => Guid.CreateVersion7().ToString();

    [GeneratedRegex(@"^[A-Za-z0-9\-\.]{1,64}$")]
    private static partial Regex IdPattern();
}
