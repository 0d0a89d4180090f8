using System.Collections.Immutable;
using ImageTrust.Pipeline.Records;

namespace ImageTrust.Shared.Tests.Cli;

/// <summary>Serves prepared records for <c>status</c>; a reader, since the CLI only reads.</summary>
internal sealed class FakeImageRecordReader : ImageRecordReader
{
    public List<ImageRecord> Records { get; } = [];

    public override Task<ImageRecord?> GetAsync(ImageKey key, CancellationToken cancellationToken = default)
        => Task.FromResult(Records.FirstOrDefault(record => record.Key == key));

    public override Task<ImageRecordPage> ListAsync(ImageStatus? status = null, int pageSize = 100, string? pageToken = null, CancellationToken cancellationToken = default)
    {
        var start = pageToken is null ? 0 : int.Parse(pageToken, System.Globalization.CultureInfo.InvariantCulture);
        var matching = Records.Where(record => status is null || record.Status == status).ToList();
        var page = matching.Skip(start).Take(pageSize).ToImmutableArray();
        var next = start + pageSize < matching.Count ? (start + pageSize).ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
        return Task.FromResult(new ImageRecordPage(page, next));
    }
}
