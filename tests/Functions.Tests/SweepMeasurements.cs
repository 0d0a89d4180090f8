using System.Globalization;
using ImageTrust.Functions.Tests.Support;
using ImageTrust.Pipeline.Services;

namespace ImageTrust.Functions.Tests;

/// <summary>The sweep reads what is due, not every record: a small run as a test, the full one as <c>scripts/measure-sweep</c>.</summary>
[Collection(PipelineCollection.Name)]
public sealed class SweepMeasurements
{
    private readonly PipelineEnvironment _environment;

    public SweepMeasurements(PipelineEnvironment environment)
    {
        _environment = environment;
    }

    [Fact]
    public async Task Sweep_FewDueAmongMany_ReadsOnlyDueRecordsAndReverifiesEachOnce()
    {
        var figures = await SweepBench.RunAsync(_environment, records: 1200, due: 30, batch: 1000, TimeSpan.FromSeconds(90));

        Assert.True(figures.DocumentsRead <= figures.Due + ReverificationService.PageSize, figures.ToString());
        Assert.True(figures.DocumentsRead >= figures.Due, figures.ToString());
        Assert.Equal(figures.Due, figures.WorkMessages);
        Assert.Equal(figures.Due, figures.Reverified);
    }

    [Fact]
    public async Task Sweep_MoreDueThanTheBatch_PublishesTheBatchAndReadsNoMoreThanIt()
    {
        var figures = await SweepBench.RunAsync(_environment, records: 300, due: 40, batch: 15, TimeSpan.FromSeconds(60));

        Assert.Equal(15, figures.WorkMessages);
        Assert.True(figures.DocumentsRead <= 15 + 1, figures.ToString());
        Assert.Equal(15, figures.Reverified);
    }

    [MeasureFact]
    public async Task Measure_Sweep()
    {
        var records = int.Parse(Environment.GetEnvironmentVariable("IMAGETRUST_SWEEP_RECORDS") ?? "10000", CultureInfo.InvariantCulture);
        var due = int.Parse(Environment.GetEnvironmentVariable("IMAGETRUST_SWEEP_DUE") ?? "500", CultureInfo.InvariantCulture);
        var batch = int.Parse(Environment.GetEnvironmentVariable("IMAGETRUST_SWEEP_BATCH") ?? "1000", CultureInfo.InvariantCulture);
        var figures = await SweepBench.RunAsync(_environment, records, due, batch, TimeSpan.FromMinutes(10));
        var line = figures.ToString();
        var output = Environment.GetEnvironmentVariable("IMAGETRUST_MEASURE_OUT");
        if (!string.IsNullOrEmpty(output))
        {
            await File.AppendAllTextAsync(output, line + Environment.NewLine);
        }

        Assert.True(figures.DocumentsRead <= Math.Min(due, batch) + ReverificationService.PageSize, line);
    }
}
