using Fhir.Server.Store.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Fhir.Server.Search.Indexing;

/// <summary>
/// Reference parameters that have no index rows of their own: they are answered from the rows of other reference
/// parameters of the same type, limited to one target type. AuditEvent's <c>patient</c> is, by its R4 expression
/// (<c>agent.who.where(resolve() is Patient) | entity.what.where(resolve() is Patient)</c>), exactly the Patient rows of
/// <c>agent</c> and <c>entity</c>. The access log names up to 20 patients in an AuditEvent, so rows of its own would
/// double the log's reference rows and the work of merging them into the index (bench/RESULTS.md, sessions 7 and 8).
/// Every reader of reference rows by parameter key goes through <see cref="Pids"/> and <see cref="RowTest"/>.
/// https://hl7.org/fhir/R4/auditevent.html#search
/// </summary>
public static class ReferenceAliases
{
    /// <summary>A parameter answered by the rows of <paramref name="Sources"/> that point to a <paramref name="TargetType"/>.</summary>
    public sealed record Alias(string Type, string Code, IReadOnlyList<string> Sources, string TargetType)
    {
        public long Pid { get; } = ParamKey.For(Type, Code);

        public IReadOnlyList<long> SourcePids { get; } = Sources.Select(s => ParamKey.For(Type, s)).ToArray();
    }

    public static readonly IReadOnlyList<Alias> All = [new("AuditEvent", "patient", ["agent", "entity"], "Patient")];

    private static readonly Dictionary<long, Alias> ByPid = All.ToDictionary(a => a.Pid);

    public static Alias? Find(string type, string code) => ByPid.GetValueOrDefault(ParamKey.For(type, code));

    /// <summary>True for the key of an aliased parameter: the indexer writes no reference rows under it.</summary>
    public static bool IsAliased(long pid) => ByPid.ContainsKey(pid);

    /// <summary>The keys of the reference rows that answer <paramref name="code"/> of <paramref name="types"/>: their own, or their sources'.</summary>
    public static long[] Pids(IEnumerable<string> types, string code) =>
        types.SelectMany(t => Find(t, code) is { } alias ? alias.SourcePids : [ParamKey.For(t, code)]).Distinct().ToArray();

    /// <summary>
    /// The extra test on a reference row (table alias <paramref name="row"/>) read for <paramref name="code"/> of
    /// <paramref name="types"/>: a source row of an alias counts only when it points to the alias's target type.
    /// Null when no type aliases the parameter.
    /// </summary>
    public static string? RowTest(IEnumerable<string> types, string code, string row)
    {
        var aliases = types.Select(t => Find(t, code)).OfType<Alias>().Distinct().ToList();
        if (aliases.Count == 0)
            return null;
        var tests = aliases.Select(a => $"({row}.pid IN ({string.Join(", ", a.SourcePids)}) AND {row}.ref_type = '{a.TargetType}')");
        var others = $"{row}.pid NOT IN ({string.Join(", ", aliases.SelectMany(a => a.SourcePids))})";
        return $"({others} OR {string.Join(" OR ", tests)})";
    }

    /// <summary><see cref="RowTest"/> as a clause to append to a WHERE: empty, or " AND (...)".</summary>
    public static string AndRowTest(IEnumerable<string> types, string code, string row) =>
        RowTest(types, code, row) is { } test ? " AND " + test : "";

    /// <summary>
    /// Deletes the rows an aliased parameter had before it became one (a database indexed by an earlier version), at
    /// start before searches are served. Nothing reads them any more; they only take room.
    /// </summary>
    public static void DropOwnRows(SqliteResourceStore store, ILogger logger)
    {
        var pids = string.Join(", ", All.Select(a => a.Pid));
        var deleted = 0;
        foreach (var file in new[] { store, store.Audit })
        {
            deleted += file.WriteAsync(session =>
            {
                using var delete = ((SqliteConnection)session.Connection).CreateCommand();
                delete.CommandText = $"DELETE FROM main.ix_reference WHERE pid IN ({pids}); DELETE FROM main.ix_reference_pending WHERE pid IN ({pids})";
                return delete.ExecuteNonQuery();
            }).GetAwaiter().GetResult();
        }
        if (deleted > 0)
            logger.LogInformation("Deleted {Rows} index rows of parameters now answered from other parameters' rows", deleted);
    }

}
