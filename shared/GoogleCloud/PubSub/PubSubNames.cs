namespace ImageTrust.GoogleCloud.PubSub;

/// <summary>Validation of Pub/Sub topic and subscription ids.</summary>
internal static class PubSubNames
{
    /// <summary>Checks a topic or subscription id: 3-255 characters, starting with a letter, of letters, digits and <c>-_.~+%</c>, not starting with <c>goog</c>.</summary>
    /// <exception cref="FormatException">The id is invalid.</exception>
    public static string ValidateId(string id, string what)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (id.Length is < 3 or > 255 || !char.IsAsciiLetter(id[0]) || id.StartsWith("goog", StringComparison.OrdinalIgnoreCase)
            || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~' or '+' or '%'))
        {
            throw new FormatException($"{what} id '{id}' is not valid (3-255 of letters, digits, -_.~+%, starting with a letter, not 'goog')");
        }

        return id;
    }
}
