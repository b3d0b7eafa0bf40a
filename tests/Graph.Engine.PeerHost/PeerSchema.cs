using Graph.Engine.Execution;
using Graph.Engine.Types;

namespace Graph.Engine.PeerHost;

/// <summary>
/// Binds tests/peers/graphql/schema.graphql to data.json with the same resolver semantics as
/// tests/peers/graphql/resolvers.mjs (graphql-js), so both engines answer from the same data.
/// </summary>
public static class PeerSchema
{
    public const string MiniSdl = "type Query { a: Int }";

    private static List<object?> L(object? v) => (List<object?>)v!;
    private static Dictionary<string, object?> D(object? v) => (Dictionary<string, object?>)v!;

    public static Schema Build(string sdl, Dictionary<string, object?> data)
    {
        var patients = L(data["patients"]).Select(D).ToList();
        var practitioners = L(data["practitioners"]).Select(D).ToList();
        var appointments = L(data["appointments"]).Select(D).ToList();
        var nodes = patients.Concat(practitioners).Concat(appointments).ToList();
        Dictionary<string, object?>? Find(string id) => nodes.FirstOrDefault(n => (string)n["id"]! == id);

        return SchemaBuilder.FromSdl(sdl)
            .Bind("Query", "dog", _ => data["dog"])
            .Bind("Query", "findDog", ctx =>
            {
                var by = ctx.ArgumentOrDefault<Dictionary<string, object?>?>("searchBy", null);
                return L(data["dogs"]).Select(D).FirstOrDefault(d =>
                    (by?.GetValueOrDefault("name") is not string n || (string)d["name"]! == n) &&
                    (by?.GetValueOrDefault("owner") is not string o || (d["owner"] is Dictionary<string, object?> owner && (string)owner["name"]! == o)));
            })
            .Bind("Query", "findBy", ctx =>
            {
                var by = ctx.Argument<Dictionary<string, object?>>("by");
                return L(data["pets"]).Select(D).FirstOrDefault(p => by.TryGetValue("name", out var n)
                    ? Equals(p["name"], n)
                    : Equals(p.GetValueOrDefault("nickname"), by.GetValueOrDefault("nickname")));
            })
            .Bind("Query", "arguments", _ => new Dictionary<string, object?>())
            .Bind("Query", "human", _ => data["human"])
            .Bind("Query", "pet", _ => data["dog"])
            .Bind("Query", "pets", _ => data["pets"])
            .Bind("Query", "catOrDog", _ => data["cat"])
            .Bind("Query", "booleanList", ctx => ctx.Arguments.GetValueOrDefault("booleanListArg") is List<object?> l ? l.All(x => x is true) : null)
            .Bind("Query", "patient", ctx => patients.FirstOrDefault(p => (string)p["id"]! == ctx.Argument<string>("id")))
            .Bind("Query", "patients", ctx =>
            {
                var text = ctx.ArgumentOrDefault<string?>("nameContains", null);
                var list = patients.Where(p => text is null || ((string)p["name"]!).Contains(text, StringComparison.Ordinal));
                return ctx.Arguments.GetValueOrDefault("first") is int first ? list.Take(first) : list;
            })
            .Bind("Query", "node", ctx => Find(ctx.Argument<string>("id")))
            .Bind("Query", "nodes", ctx => L(ctx.Arguments["ids"]).Select(id => Find((string)id!)).ToList())
            .Bind("Query", "search", ctx =>
            {
                var text = ctx.Argument<string>("text");
                return patients.Concat(practitioners).Where(p => ((string)p["name"]!).Contains(text, StringComparison.Ordinal))
                    .Concat(appointments.Where(a => (string)a["id"]! == text)).ToList();
            })
            .Bind("Query", "echo", ctx => ctx.Arguments.GetValueOrDefault("input") is Dictionary<string, object?> i ? Echo(i) : null)
            .Bind("Query", "boom", _ => throw new GraphQLException("boom"))
            .Bind("Query", "boomNonNull", _ => throw new GraphQLException("boom"))
            .Bind("Query", "numbers", _ => data["numbers"])
            .Bind("Query", "strictNumbers", _ => data["strictNumbers"])
            .Bind("Query", "oldField", _ => "old")
            .Bind("Query", "status", ctx => ctx.Arguments.GetValueOrDefault("s"))
            .Bind("Query", "today", _ => data["today"])
            .Bind("Dog", "doesKnowCommand", ctx => L(ctx.ParentAs<Dictionary<string, object?>>()["commands"]).Contains(ctx.Argument<string>("dogCommand")))
            .Bind("Dog", "isHouseTrained", ctx => ctx.ArgumentOrDefault("atOtherHomes", false)
                ? ctx.ParentAs<Dictionary<string, object?>>()["houseTrainedElsewhere"]
                : ctx.ParentAs<Dictionary<string, object?>>()["houseTrained"])
            .Bind("Cat", "doesKnowCommand", ctx => L(ctx.ParentAs<Dictionary<string, object?>>()["commands"]).Contains(ctx.Argument<string>("catCommand")))
            .Bind("Arguments", "multipleRequirements", ctx => ctx.Argument<int>("x") + ctx.Argument<int>("y"))
            .Bind("Arguments", "booleanArgField", ctx => ctx.Arguments.GetValueOrDefault("booleanArg"))
            .Bind("Arguments", "floatArgField", ctx => ctx.Arguments.GetValueOrDefault("floatArg"))
            .Bind("Arguments", "intArgField", ctx => ctx.Arguments.GetValueOrDefault("intArg"))
            .Bind("Arguments", "nonNullBooleanArgField", ctx => ctx.Arguments.GetValueOrDefault("nonNullBooleanArg"))
            .Bind("Arguments", "booleanListArgField", ctx => ctx.Arguments.GetValueOrDefault("booleanListArg"))
            .Bind("Arguments", "optionalNonNullBooleanArgField", ctx => ctx.Arguments.GetValueOrDefault("optionalBooleanArg"))
            .Bind("Patient", "appointments", ctx =>
            {
                var all = L(ctx.ParentAs<Dictionary<string, object?>>()["appointments"]);
                return ctx.Arguments.GetValueOrDefault("first") is int first ? all.Take(first).ToList() : all;
            })
            .Bind("Patient", "secret", _ => throw new GraphQLException("secret"))
            .Bind("Patient", "flaky", ctx =>
            {
                var id = (string)ctx.ParentAs<Dictionary<string, object?>>()["id"]!;
                return int.Parse(id[1..]) % 2 == 0 ? throw new GraphQLException("flaky") : "ok-" + id;
            })
            .Bind("Mutation", "addNote", ctx => new Dictionary<string, object?> { ["id"] = ctx.Argument<string>("patientId") + "-new", ["text"] = ctx.Argument<string>("text") })
            .Bind("Mutation", "mutateDog", _ => data["dog"])
            .Build();
    }

    private static string Echo(Dictionary<string, object?> i)
    {
        var s = $"{i["text"]}x{i["times"] ?? "null"}";
        if (i.GetValueOrDefault("tags") is List<object?> tags) s += "[" + string.Join(",", tags) + "]";
        if (i.GetValueOrDefault("nested") is Dictionary<string, object?> n) s += "(" + Echo(n) + ")";
        return s;
    }
}
