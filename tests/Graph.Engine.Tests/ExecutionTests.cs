using System.Text.Json;
using Graph.Engine.Execution;
using Graph.Engine.Types;

namespace Graph.Engine.Tests;

public class ExecutionTests
{
    public sealed record Patient(string Id, string Name, string? GpId);
    public sealed record Appointment(string Id, string PatientId, string Start);
    public sealed record Practitioner(string Id, string Name);

    private const string Sdl = """
        type Query {
          patient(id: ID!): Patient
          patients(first: Int = 10): [Patient!]!
          search(text: String!): [SearchResult!]!
          node(id: ID!): Node
          fail: String
          failNonNull: String!
          slow: String
          echo(input: EchoInput!): String!
          me: String
          status(s: Status = ACTIVE): Status!
        }
        type Mutation { step(n: Int!): Int! }
        interface Node { id: ID! }
        type Patient implements Node { id: ID! name: String! appointments: [Appointment!]! gp: Practitioner secret: String! }
        type Practitioner implements Node { id: ID! name: String! }
        type Appointment implements Node { id: ID! start: String! }
        union SearchResult = Patient | Practitioner
        input EchoInput { text: String! times: Int = 2 }
        enum Status { ACTIVE INACTIVE }
        """;

    private static readonly Patient[] Patients = [new("p1", "Anna", "g1"), new("p2", "Bram", "g1"), new("p3", "Cor", null)];
    private static readonly Practitioner[] Gps = [new("g1", "Dr. Jansen")];
    private static readonly Appointment[] Appointments = [new("a1", "p1", "2026-01-01"), new("a2", "p1", "2026-01-02"), new("a3", "p2", "2026-02-01")];

    public sealed class Counter { public int Batches; public readonly List<int> Order = []; }

    private static (GraphExecutor, Counter) Create(GraphEngineOptions? options = null)
    {
        var counter = new Counter();
        var schema = SchemaBuilder.FromSdl(Sdl)
            .Bind("Query", "patient", ctx => Patients.FirstOrDefault(p => p.Id == ctx.Argument<string>("id")))
            .Bind("Query", "patients", ctx => Patients.Take(ctx.Argument<int>("first")))
            .Bind("Query", "search", ctx => Patients.Cast<object>().Concat(Gps).Where(o => o is Patient p ? p.Name.Contains(ctx.Argument<string>("text")) : ((Practitioner)o).Name.Contains(ctx.Argument<string>("text"))))
            .Bind("Query", "node", ctx => (object?)Patients.FirstOrDefault(p => p.Id == ctx.Argument<string>("id")) ?? Gps.FirstOrDefault(g => g.Id == ctx.Argument<string>("id")))
            .Bind("Query", "fail", _ => throw new GraphQLException("boom", "BOOM"))
            .Bind("Query", "failNonNull", _ => null)
            .Bind("Query", "slow", async ctx => { await Task.Delay(5000, ctx.CancellationToken); return "late"; })
            .Bind("Query", "echo", ctx => { var i = ctx.Argument<Dictionary<string, object?>>("input"); return string.Concat(Enumerable.Repeat((string)i["text"]!, (int)i["times"]!)); })
            .Bind("Query", "me", ctx => ctx.User?.Identity?.Name ?? (string?)ctx.Items["tenant"])
            .Bind("Query", "status", ctx => ctx.Argument<string>("s"))
            .Bind("Mutation", "step", async ctx => { var n = ctx.Argument<int>("n"); await Task.Delay(10 * (3 - n)); lock (counter) counter.Order.Add(n); return n; })
            .Bind<Patient>("Patient", "secret", (p, _) => p.Id == "" ? "" : throw new InvalidOperationException("hidden"))
            .Bind("Patient", "appointments", ctx => ctx.DataLoader<string, Appointment[]>("appointmentsByPatient", (keys, ct) =>
            {
                Interlocked.Increment(ref counter.Batches);
                IReadOnlyDictionary<string, Appointment[]> r = keys.ToDictionary(k => k, k => Appointments.Where(a => a.PatientId == k).ToArray());
                return Task.FromResult(r);
            }).LoadAsync(ctx.ParentAs<Patient>().Id))
            .Bind("Patient", "gp", ctx => ctx.ParentAs<Patient>().GpId is { } id
                ? ctx.DataLoader<string, Practitioner>("gp", async (keys, ct) =>
                {
                    Interlocked.Increment(ref counter.Batches);
                    await Task.Yield();
                    return Gps.Where(g => keys.Contains(g.Id)).ToDictionary(g => g.Id);
                }).LoadAsync(id)
                : Task.FromResult<Practitioner?>(null))
            .BindClrType<Patient>("Patient").BindClrType<Practitioner>("Practitioner").BindClrType<Appointment>("Appointment")
            .Build();
        return (new GraphExecutor(schema, options), counter);
    }

    private static async Task<string> Run(string query, object? variables = null, GraphExecutor? executor = null, RequestContext? rc = null)
    {
        executor ??= Create().Item1;
        var vars = variables is null ? null : InputCoercion.FromJsonObject(JsonSerializer.SerializeToElement(variables));
        var result = await executor.ExecuteAsync(new GraphRequest { Query = query, Variables = vars }, rc);
        return ResultSerializer.ToJson(result);
    }

    [Fact]
    public async Task Query_WithVariablesAndFragments_ReturnsData() =>
        Assert.Equal("""{"data":{"patient":{"id":"p1","name":"Anna","__typename":"Patient"}}}""",
            await Run("query($id: ID!) { patient(id: $id) { ...F __typename } } fragment F on Patient { id name }", new { id = "p1" }));

    [Fact]
    public async Task ResolverError_HasMessagePathLocationAndCode() =>
        Assert.Equal("""{"errors":[{"message":"boom","locations":[{"line":1,"column":3}],"path":["fail"],"extensions":{"code":"BOOM"}}],"data":{"fail":null}}""",
            await Run("{ fail }"));

    [Fact]
    public async Task NonNullViolation_PropagatesToNearestNullableParent()
    {
        var json = await Run("{ patient(id: \"p1\") { name secret } }");
        Assert.Contains("\"data\":{\"patient\":null}", json);
        Assert.Contains("\"path\":[\"patient\",\"secret\"]", json);
        Assert.DoesNotContain("hidden", json);
        Assert.Equal("""{"errors":[{"message":"Cannot return null for non-nullable field Query.failNonNull.","locations":[{"line":1,"column":3}],"path":["failNonNull"],"extensions":{"code":"NON_NULL_VIOLATION"}}],"data":null}""",
            await Run("{ failNonNull }"));
    }

    [Fact]
    public async Task NonNullListItemError_NullsTheList()
    {
        var json = await Run("{ patients { secret } }");
        Assert.Contains("\"data\":null", json);
        Assert.Equal(1, JsonDocument.Parse(json).RootElement.GetProperty("errors").GetArrayLength());
    }

    [Fact]
    public async Task AbstractTypes_ResolveByClrType() =>
        Assert.Equal("""{"data":{"search":[{"__typename":"Practitioner","name":"Dr. Jansen"}],"node":{"id":"p2","name":"Bram"}}}""",
            await Run("{ search(text: \"Jansen\") { __typename ... on Practitioner { name } } node(id: \"p2\") { id ... on Patient { name } } }"));

    [Fact]
    public async Task DataLoader_BatchesNestedListIntoOneCallPerLevel()
    {
        var (executor, counter) = Create();
        var json = await Run("{ patients { id appointments { id } gp { name } } }", executor: executor);
        Assert.Equal("""{"data":{"patients":[{"id":"p1","appointments":[{"id":"a1"},{"id":"a2"}],"gp":{"name":"Dr. Jansen"}},{"id":"p2","appointments":[{"id":"a3"}],"gp":{"name":"Dr. Jansen"}},{"id":"p3","appointments":[],"gp":null}]}}""", json);
        Assert.Equal(2, counter.Batches);
    }

    [Fact]
    public async Task DataLoader_BatchFailure_BecomesFieldErrorsAtEachPath()
    {
        var schema = SchemaBuilder.FromSdl("type Query { items: [Item!]! } type Item { id: Int! detail: String }")
            .Bind("Query", "items", _ => new[] { 1, 2, 3 }.Select(i => new Dictionary<string, object?> { ["id"] = i }).ToList())
            .Bind("Item", "detail", ctx => ctx.DataLoader<int, string>("detail", (keys, ct) => throw new GraphQLException("store down", "UNAVAILABLE"))
                .LoadAsync((int)ctx.ParentAs<Dictionary<string, object?>>()["id"]!))
            .Build();
        var json = ResultSerializer.ToJson(await new GraphExecutor(schema).ExecuteAsync(new GraphRequest { Query = "{ items { id detail } }" }));
        Assert.Contains("\"data\":{\"items\":[{\"id\":1,\"detail\":null},{\"id\":2,\"detail\":null},{\"id\":3,\"detail\":null}]}", json);
        Assert.Contains("\"path\":[\"items\",2,\"detail\"]", json);
        Assert.Contains("UNAVAILABLE", json);
    }

    [Fact]
    public async Task Mutation_FieldsRunSerially()
    {
        var (executor, counter) = Create();
        var json = await Run("mutation { a: step(n: 1) b: step(n: 2) c: step(n: 3) }", executor: executor);
        Assert.Equal("""{"data":{"a":1,"b":2,"c":3}}""", json);
        Assert.Equal([1, 2, 3], counter.Order);
    }

    [Fact]
    public async Task InputObjects_DefaultsAndTypedArguments() =>
        Assert.Equal("""{"data":{"echo":"hihi","status":"ACTIVE","x":"INACTIVE"}}""", await Run("{ echo(input: {text: \"hi\"}) status x: status(s: INACTIVE) }"));

    [Fact]
    public async Task VariableCoercionError_IsRequestErrorWithoutData()
    {
        var json = await Run("query($id: ID!) { patient(id: $id) { id } }", new { id = (string?)null });
        Assert.DoesNotContain("\"data\"", json);
        Assert.Contains("BAD_USER_INPUT", json);
    }

    [Fact]
    public async Task Timeout_ReturnsTimeoutError()
    {
        var (executor, _) = Create(new GraphEngineOptions { Timeout = TimeSpan.FromMilliseconds(100) });
        var json = await Run("{ slow }", executor: executor);
        Assert.Contains("TIMEOUT", json);
    }

    [Fact]
    public async Task RequestContext_ExposesItemsToResolvers()
    {
        var rc = new RequestContext();
        rc.Items["tenant"] = "praktijk-1";
        Assert.Equal("""{"data":{"me":"praktijk-1"}}""", await Run("{ me }", rc: rc));
    }

    [Fact]
    public async Task DocumentCache_ReusesParsedDocuments()
    {
        var (executor, _) = Create();
        await Run("{ patients { id } }", executor: executor);
        await Run("{ patients { id } }", executor: executor);
        Assert.Equal(1, executor.CachedDocumentCount);
    }

    [Theory]
    [InlineData("{ patients { appointments { id } } }", null)]
    [InlineData("{ patients(first: 1000) { gp { name } appointments { id start } } }", "MAX_COST_EXCEEDED")]
    public async Task CostLimit_IsValidationError(string query, string? code)
    {
        var (executor, _) = Create(new GraphEngineOptions { MaxCost = 1000 });
        var json = await Run(query, executor: executor);
        if (code is null) Assert.DoesNotContain("errors", json);
        else { Assert.Contains(code, json); Assert.DoesNotContain("\"data\"", json); }
    }

    [Fact]
    public async Task CostLimit_UsesPageSizeVariableValues()
    {
        var (executor, _) = Create(new GraphEngineOptions { MaxCost = 1000 });
        const string q = "query($n: Int) { patients(first: $n) { gp { name } appointments { id start } } }";
        Assert.DoesNotContain("errors", await Run(q, new { n = 2 }, executor));
        var json = await Run(q, new { n = 5000 }, executor);
        Assert.Contains("MAX_COST_EXCEEDED", json);
        Assert.DoesNotContain("\"data\"", json);
    }

    [Fact]
    public async Task DepthLimit_IsValidationError()
    {
        var (executor, _) = Create(new GraphEngineOptions { MaxDepth = 2 });
        Assert.Contains("MAX_DEPTH_EXCEEDED", await Run("{ patients { gp { name } } }", executor: executor));
    }

    [Fact]
    public async Task TokenAndSizeLimits_AreEnforced()
    {
        var (executor, _) = Create(new GraphEngineOptions { MaxTokens = 10, MaxDocumentLength = 100 });
        Assert.Contains("MAX_TOKENS_EXCEEDED", await Run("{ patients { id name id name id name } }", executor: executor));
        Assert.Contains("MAX_DOCUMENT_SIZE_EXCEEDED", await Run("{ patients { id } }" + new string(' ', 200), executor: executor));
    }

    [Fact]
    public async Task ValidationErrors_CarryRuleAndCode()
    {
        var json = await Run("{ nope }");
        Assert.Contains("\"code\":\"GRAPHQL_VALIDATION_FAILED\",\"rule\":\"FieldsOnCorrectTypeRule\"", json);
    }

    [Fact]
    public async Task SkipAndInclude_WithVariables()
    {
        var (executor, _) = Create();
        const string q = "query($s: Boolean!) { patient(id: \"p1\") { id name @skip(if: $s) } }";
        Assert.Equal("""{"data":{"patient":{"id":"p1"}}}""", await Run(q, new { s = true }, executor));
        Assert.Equal("""{"data":{"patient":{"id":"p1","name":"Anna"}}}""", await Run(q, new { s = false }, executor));
    }
}

public class ConcurrencyTests
{
    private const string Sdl = "type Query { a: String b: String items: [Item!]! } type Item { id: Int! label: String! }";
    public sealed record Item(int Id, string Label);

    [Fact]
    public async Task AsyncQueryFields_RunConcurrently()
    {
        // Each resolver waits for the other to have started: only concurrent execution completes both.
        var aStarted = new TaskCompletionSource();
        var bStarted = new TaskCompletionSource();
        var schema = SchemaBuilder.FromSdl(Sdl)
            .Bind("Query", "a", async _ => { aStarted.SetResult(); await bStarted.Task.WaitAsync(TimeSpan.FromSeconds(5)); return "a"; })
            .Bind("Query", "b", async _ => { bStarted.SetResult(); await aStarted.Task.WaitAsync(TimeSpan.FromSeconds(5)); return "b"; })
            .Build();
        var result = await new GraphExecutor(schema).ExecuteAsync(new GraphRequest { Query = "{ a b }" });
        Assert.Equal("""{"data":{"a":"a","b":"b"}}""", ResultSerializer.ToJson(result));
    }

    [Fact]
    public async Task CachedDocument_IsSafeUnderParallelRequests()
    {
        var items = Enumerable.Range(1, 50).Select(i => new Item(i, $"item {i}")).ToArray();
        var schema = SchemaBuilder.FromSdl(Sdl).Bind("Query", "items", _ => items).Build();
        var executor = new GraphExecutor(schema);
        var expected = ResultSerializer.ToJson(await executor.ExecuteAsync(new GraphRequest { Query = "{ items { id label } }" }));
        var results = await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => Task.Run(async () =>
            ResultSerializer.ToJson(await executor.ExecuteAsync(new GraphRequest { Query = "{ items { id label } }" })))));
        Assert.All(results, r => Assert.Equal(expected, r));
    }

    [Fact]
    public async Task OverlappingFieldsCheck_StaysFastOnRepeatedFields()
    {
        var schema = SchemaBuilder.FromSdl(Sdl).Bind("Query", "items", _ => Array.Empty<Item>()).Build();
        var query = "{ " + string.Concat(Enumerable.Repeat("items { id } ", 1200)) + "}";
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var result = await new GraphExecutor(schema).ExecuteAsync(new GraphRequest { Query = query });
        Assert.Empty(result.Errors);
        Assert.True(sw.ElapsedMilliseconds < 2000, $"took {sw.ElapsedMilliseconds} ms");
    }
}
