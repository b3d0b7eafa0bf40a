namespace Fhir.Server.Store;

/// <summary>Storage settings that cannot work; the host reports the message as one line and stops.</summary>
public sealed class StorageConfigurationException(string message, Exception? inner = null) : Exception(message, inner);
