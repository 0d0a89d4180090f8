namespace ImageTrust.TestSupport;

/// <summary>
/// A log sink for a host under test: serializes writes on the captured <see cref="StringWriter"/>'s own lock, so a test that
/// reads the log under the same lock never sees a half-written line.
/// </summary>
internal sealed class LockedWriter(StringWriter inner) : TextWriter
{
    public override System.Text.Encoding Encoding => inner.Encoding;

    public override void Write(char value)
    {
        lock (inner)
        {
            inner.Write(value);
        }
    }

    public override void Write(string? value)
    {
        lock (inner)
        {
            inner.Write(value);
        }
    }

    public override void WriteLine(string? value)
    {
        lock (inner)
        {
            inner.WriteLine(value);
        }
    }
}
