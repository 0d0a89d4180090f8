using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using ImageTrust.Functions.OccurrenceHandler;
using ImageTrust.Functions.PushVerifier;
using ImageTrust.Functions.Tests.Support;
using ImageTrust.Pipeline.Attestations;
using ImageTrust.Pipeline.Records;
using ImageTrust.TestSupport.ContainerAnalysis;
using ImageTrust.TestSupport.Kms;
using Microsoft.Extensions.DependencyInjection;

namespace ImageTrust.Functions.Tests;

/// <summary>
/// Figures for the attestation targets (scripts/measure-attestation), on the emulators, the registry, the Container Analysis
/// stand-in and the loopback Cloud KMS, one image at a time: what attesting adds to a push's handling, the calls it makes, and
/// how long after a quarantine event arrives its attestation is gone.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class AttestationMeasurements
{
    private readonly PipelineEnvironment _environment;

    public AttestationMeasurements(PipelineEnvironment environment)
    {
        _environment = environment;
    }

    [MeasureFact]
    public async Task Measure_AttestOnTheRequestPathAndWithdrawalDelay()
    {
        var images = int.Parse(Environment.GetEnvironmentVariable("IMAGETRUST_MEASURE_IMAGES") ?? "30", CultureInfo.InvariantCulture);
        var projectId = _environment.Emulators.NewProjectId();
        var offProjectId = _environment.Emulators.NewProjectId();
        using var team = await SecurityTeam.CreateAsync(_environment, projectId);
        using var offTeam = await SecurityTeam.CreateAsync(_environment, offProjectId);
        await using var kms = await CloudKmsStandIn.StartAsync($"projects/{projectId}/locations/global/keyRings/imagetrust/cryptoKeys/attestor/cryptoKeyVersions/1");
        var note = $"projects/{projectId}/notes/imagetrust-verified";
        var variables = new Dictionary<string, string>
        {
            [AttestorSettings.NoteVariable] = note,
            [AttestorSettings.KeyVariable] = "gcpkms://" + kms.KeyVersion,
            ["IMAGETRUST_KMS_ENDPOINT"] = kms.BaseUri.AbsoluteUri,
        };
        var attestTimes = new ConcurrentBag<double>();
        var withdrawTimes = new ConcurrentBag<double>();
        void Timed(IServiceCollection services) => services.AddSingleton<ImageAttestor>(provider => new TimedAttestor(ActivatorUtilities.CreateInstance<BinaryAuthorizationAttestor>(provider), attestTimes, withdrawTimes));
        await using var push = await RunningFunction.StartAsync<PushVerifierFunction>(_environment, projectId, Timed, extraVariables: variables);
        await using var handler = await RunningFunction.StartAsync<OccurrenceHandlerFunction>(_environment, projectId, Timed, extraVariables: variables);
        await using var pushOff = await RunningFunction.StartAsync<PushVerifierFunction>(_environment, offProjectId);

        var pushOn = new List<double>();
        var pushWithout = new List<double>();
        var quarantine = new List<double>();
        var analysisCalls = new List<int>();
        var signs = new List<int>();
        for (var i = -2; i < images; i++)
        {
            // Two rounds of warm-up (JIT, connection pools, the public key read once per key version) are not counted.
            var (key, _) = await _environment.CopyImageAsync("skopeo-signed", "skopeo", withSignatures: true);
            var (offKey, _) = await _environment.CopyImageAsync("skopeo-signed", "skopeo", withSignatures: true);
            var analysisBefore = _environment.Analysis.RequestCount;
            var signsBefore = kms.SignCount;
            var withAttestation = await TimeAsync(() => Deliveries.SendAsync(push.Client, DeliveryShape.Binary, Deliveries.GcrInsert(key.ToString()), "m-" + i, projectId));
            var analysisUsed = _environment.Analysis.RequestCount - analysisBefore;
            var signsUsed = kms.SignCount - signsBefore;
            var without = await TimeAsync(() => Deliveries.SendAsync(pushOff.Client, DeliveryShape.Binary, Deliveries.GcrInsert(offKey.ToString()), "m-" + i, offProjectId));
            Assert.Single(_environment.Analysis.OccurrencesOf(note), o => o["resourceUri"]!.GetValue<string>() == "https://" + key);

            var vulnerability = OccurrenceJsonBuilder.Vulnerability("projects/analysis/occurrences/" + Guid.NewGuid().ToString("N"), "https://" + key, "CVE-2026-9999", "CRITICAL", "3.0.15");
            _environment.Analysis.Put(vulnerability);
            double withdrawal;
            try
            {
                withdrawal = await TimeAsync(() => Deliveries.SendAsync(handler.Client, DeliveryShape.Binary, Deliveries.OccurrenceNotification(vulnerability["name"]!.GetValue<string>(), "VULNERABILITY"), "o-" + i, projectId, "container-analysis-occurrences-v1"));
            }
            catch (Xunit.Sdk.XunitException)
            {
                throw new InvalidOperationException("the OccurrenceHandler did not answer 204:\n" + handler.Log);
            }

            // The response came after the deletion: no attestation is left once the event is handled.
            Assert.DoesNotContain(_environment.Analysis.OccurrencesOf(note), o => o["resourceUri"]!.GetValue<string>() == "https://" + key);
            Assert.Equal(ImageStatus.Quarantined, (await handler.Records.GetAsync(key))!.Status);
            if (i >= 0)
            {
                pushOn.Add(withAttestation);
                pushWithout.Add(without);
                quarantine.Add(withdrawal);
                analysisCalls.Add(analysisUsed);
                signs.Add(signsUsed);
            }
        }

        var attest = attestTimes.OrderBy(t => t).Skip(2).ToList();
        var withdraw = withdrawTimes.OrderBy(t => t).Skip(2).ToList();
        Write(
            $"attestation figures: {images} images, one at a time, emulators + loopback registry, Container Analysis and KMS stand-ins (Kestrel), {RuntimeInformationText()}",
            $"  push handled, attestations on  : p50 {P(pushOn, 0.5)} ms, p90 {P(pushOn, 0.9)} ms",
            $"  push handled, attestations off : p50 {P(pushWithout, 0.5)} ms, p90 {P(pushWithout, 0.9)} ms",
            $"  attest on the request path     : p50 {P(pushOn, 0.5) - P(pushWithout, 0.5):0.0} ms added to the push (claim write + attest + completion write)",
            $"  attest call (list, sign, create): p50 {P(attest, 0.5)} ms, p90 {P(attest, 0.9)} ms",
            $"  calls per attestation          : KMS asymmetricSign {signs.Average():0.00}, Container Analysis {analysisCalls.Average():0.00} (max {analysisCalls.Max()})",
            $"  quarantine event -> withdrawn  : p50 {P(quarantine, 0.5)} ms, p90 {P(quarantine, 0.9)} ms (receipt to response; the deletion precedes the response)",
            $"  withdraw call (list, delete)   : p50 {P(withdraw, 0.5)} ms, p90 {P(withdraw, 0.9)} ms");
    }

    private static async Task<double> TimeAsync(Func<Task<HttpResponseMessage>> send)
    {
        var started = Stopwatch.GetTimestamp();
        using var response = await send();
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        return elapsed;
    }

    private static double P(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return Math.Round(sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)], 1);
    }

    private static string RuntimeInformationText() => $"{Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}";

    private static void Write(params string[] lines)
    {
        var path = Environment.GetEnvironmentVariable("IMAGETRUST_MEASURE_OUT") ?? Path.Combine(RepositoryRoot.Path, ".run", "measure-attestation.txt");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var text = new StringBuilder().AppendLine(CultureInfo.InvariantCulture, $"# {DateTimeOffset.UtcNow:u}");
        foreach (var line in lines)
        {
            text.AppendLine(line);
        }

        File.AppendAllText(path, text.ToString());
    }

    /// <summary>Times the attestor's calls (the Container Analysis and KMS round trips) around the real one.</summary>
    private sealed class TimedAttestor(ImageAttestor inner, ConcurrentBag<double> attest, ConcurrentBag<double> withdraw) : ImageAttestor
    {
        public override async Task<ImageAttestation> AttestAsync(ImageKey key, CancellationToken cancellationToken = default)
        {
            var started = Stopwatch.GetTimestamp();
            var result = await inner.AttestAsync(key, cancellationToken);
            attest.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return result;
        }

        public override async Task<int> WithdrawAsync(ImageKey key, CancellationToken cancellationToken = default)
        {
            var started = Stopwatch.GetTimestamp();
            var result = await inner.WithdrawAsync(key, cancellationToken);
            withdraw.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return result;
        }

        public override Task<ImmutableArray<ImageAttestation>> ListAsync(ImageKey key, CancellationToken cancellationToken = default) => inner.ListAsync(key, cancellationToken);
    }
}
