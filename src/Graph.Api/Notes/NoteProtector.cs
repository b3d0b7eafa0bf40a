using Microsoft.AspNetCore.DataProtection;

namespace Graph.Api.Notes;

/// <summary>
/// Encrypts note text at rest with the application's Data Protection key ring (the keys of PortalUi:KeysPath).
/// The owner is part of the purpose, so a row copied to another account does not decrypt. Losing the key ring
/// loses the notes: back it up with the database.
/// </summary>
public sealed class NoteProtector(IDataProtectionProvider provider)
{
    private const string Purpose = "Graph.Api.Notes.v1";

    public string Protect(string ownerRef, string text) => provider.CreateProtector(Purpose, ownerRef).Protect(text);

    public string Unprotect(string ownerRef, string payload) => provider.CreateProtector(Purpose, ownerRef).Unprotect(payload);
}
