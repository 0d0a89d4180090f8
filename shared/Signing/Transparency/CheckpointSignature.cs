namespace ImageTrust.Signing.Transparency;

/// <summary>One signature line of a signed note: <c>— name base64(keyHint(4) || signature)</c>.</summary>
internal sealed record CheckpointSignature(string Name, byte[] KeyHint, byte[] Signature);
