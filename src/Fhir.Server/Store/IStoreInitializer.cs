namespace Fhir.Server.Store;

public interface IStoreInitializer
{
    /// <summary>Where the data lives, for the start-up log.</summary>
    string Describe();

    /// <summary>Creates or upgrades the schema; <paramref name="extraScripts"/> come from other modules.</summary>
    void Initialize(IEnumerable<SchemaMigrator.Script> extraScripts);
}
