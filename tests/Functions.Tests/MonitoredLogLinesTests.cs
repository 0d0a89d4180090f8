using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ImageTrust.Functions.OccurrenceHandler;
using ImageTrust.Functions.PushVerifier;
using ImageTrust.Functions.Tests.Support;
using ImageTrust.TestSupport.ContainerAnalysis;

namespace ImageTrust.Functions.Tests;

/// <summary>
/// The log lines Terraform's log-based metrics and alerts read (terraform/modules/imagetrust/monitoring.tf), as the functions
/// write them on Cloud Run (<c>K_SERVICE</c> set: one Cloud Logging JSON object per line). They are kept, with the run's
/// volatile values replaced, in <c>tests/Terraform/log-samples/pipeline.jsonl</c>, where the Terraform checks run the metric
/// filters and extractors over them. A change to these lines fails here until the samples are regenerated on purpose:
/// <c>IMAGETRUST_WRITE_LOG_SAMPLES=1 dotnet test tests/Functions.Tests --filter MonitoredLogLinesTests</c>.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class MonitoredLogLinesTests
{
    private const string PushService = "imagetrust-push-verifier";
    private const string OccurrenceService = "imagetrust-occurrence-handler";

    // The categories monitoring.tf selects, and the function categories whose lines must match none of its filters.
    private static readonly string[] s_loggers =
    [
        "ImageTrust.Pipeline.Persistence.FirestoreImageRecordStore",
        "ImageTrust.Pipeline.Services.PushVerificationService",
        "ImageTrust.Pipeline.Attestations.BinaryAuthorizationAttestor",
        "ImageTrust.Functions.PushVerifier.PushVerifierFunction",
        "ImageTrust.Functions.OccurrenceHandler.OccurrenceHandlerFunction",
    ];

    private static readonly JsonSerializerOptions s_json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly PipelineEnvironment _environment;

    public MonitoredLogLinesTests(PipelineEnvironment environment)
    {
        _environment = environment;
    }

    [Fact]
    public async Task PushesAndAVulnerability_MonitoredLogLines_CarryTheFieldsAndMatchTheSamples()
    {
        await using var attestor = await AttestorHarness.StartAsync(_environment);
        var (signed, _) = await _environment.CopyImageAsync("skopeo-signed", "skopeo", withSignatures: true);
        var (another, _) = await _environment.CopyImageAsync("skopeo-signed", "skopeo", withSignatures: true);
        var (unsigned, _) = await _environment.CopyImageAsync("skopeo-signed", "skopeo", withSignatures: false);
        string pushLog;
        await using (var push = await attestor.StartAsync<PushVerifierFunction>(extraVariables: OnCloudRun(PushService)))
        {
            // Cloud KMS unavailable: VERIFIED is recorded, the attestation fails and stays pending (503); the redelivery attests.
            // Then a second signed image verifies and is attested at once, and an unsigned one waits for its signature.
            attestor.Kms.FailNext(Enumerable.Repeat(HttpStatusCode.ServiceUnavailable, 6).ToArray());
            using (var refused = await Deliveries.SendAsync(push.Client, DeliveryShape.Binary, Deliveries.GcrInsert(signed.ToString()), "m-signed", attestor.ProjectId))
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            }

            await Deliveries.SendRecordedAsync(push.Client, DeliveryShape.Binary, Deliveries.GcrInsert(signed.ToString()), "m-signed", attestor.ProjectId);
            await Deliveries.SendRecordedAsync(push.Client, DeliveryShape.Binary, Deliveries.GcrInsert(another.ToString()), "m-another", attestor.ProjectId);
            await Deliveries.SendRecordedAsync(push.Client, DeliveryShape.Binary, Deliveries.GcrInsert(unsigned.ToString()), "m-unsigned", attestor.ProjectId);
            pushLog = push.Log;
        }

        string occurrenceLog;
        await using (var handler = await attestor.StartAsync<OccurrenceHandlerFunction>(extraVariables: OnCloudRun(OccurrenceService)))
        {
            var vulnerability = OccurrenceJsonBuilder.Vulnerability("projects/analysis/occurrences/" + Guid.NewGuid().ToString("N"), "https://" + signed, "CVE-2026-3333", "CRITICAL", "3.0.15");
            _environment.Analysis.Put(vulnerability);
            await Deliveries.SendRecordedAsync(handler.Client, DeliveryShape.Binary, Deliveries.OccurrenceNotification(vulnerability["name"]!.GetValue<string>(), "VULNERABILITY"), "o-critical", attestor.ProjectId, "container-analysis-occurrences-v1");
            occurrenceLog = handler.Log;
        }

        var lines = Monitored(PushService, pushLog).Concat(Monitored(OccurrenceService, occurrenceLog)).ToList();

        // The fields the metrics extract, on the real lines, before any normalisation.
        var transitions = lines.Where(l => l.Line["to"] is not null).Select(l => l.Line).ToList();
        Assert.Equal(["NEW>VERIFIED", "NEW>VERIFIED", "NEW>PENDING_SIGNATURE", "VERIFIED>QUARANTINED"], transitions.Select(t => $"{t["from"]}>{t["to"]}"));
        Assert.All(transitions, t => Assert.Equal("skopeo-enforce", t["rule"]!.GetValue<string>()));
        Assert.Equal(signed.Repository, transitions[0]["repository"]!.GetValue<string>());
        var verifications = lines.Where(l => l.Line["verificationMs"] is not null).Select(l => l.Line).ToList();
        // A verification whose attestation failed answers 503 before its outcome line; its redelivery is a duplicate.
        Assert.Equal(["VERIFIED", "PENDING_SIGNATURE"], verifications.Select(v => v["status"]!.GetValue<string>()));
        Assert.All(verifications, v => Assert.True(v["verificationMs"]!.GetValueKind() == JsonValueKind.Number && v["verificationMs"]!.GetValue<long>() >= 0));
        Assert.Equal(["WARNING ATTEST", "INFO ATTEST", "INFO ATTEST", "INFO WITHDRAW"], lines.Where(l => l.Line["action"] is not null).Select(l => $"{l.Line["severity"]} {l.Line["action"]}"));

        var samples = Normalize(lines, attestor.ProjectId);
        var path = Path.Combine(RepositoryRoot.Path, "tests", "Terraform", "log-samples", "pipeline.jsonl");
        if (Environment.GetEnvironmentVariable("IMAGETRUST_WRITE_LOG_SAMPLES") == "1")
        {
            await File.WriteAllTextAsync(path, samples);
        }

        Assert.True(File.Exists(path), $"{path} is missing; write it with IMAGETRUST_WRITE_LOG_SAMPLES=1");
        var committed = (await File.ReadAllTextAsync(path)).ReplaceLineEndings("\n");
        Assert.True(committed == samples, $"the monitored log lines changed; if on purpose, regenerate {path} (IMAGETRUST_WRITE_LOG_SAMPLES=1) and re-run node --test tests/Terraform/.\nnow:\n{samples}");
    }

    // K_SERVICE makes the host write Cloud Logging JSON, as on Cloud Run; it also means "in a container", so the listen
    // address is kept on loopback.
    private static Dictionary<string, string> OnCloudRun(string service) => new()
    {
        ["K_SERVICE"] = service,
        ["IMAGETRUST_LISTEN_ADDRESS"] = "127.0.0.1",
    };

    private static IEnumerable<(string Service, JsonObject Line)> Monitored(string service, string log)
    {
        foreach (var text in log.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var line = JsonNode.Parse(text)!.AsObject();
            if (s_loggers.Contains(line["logger"]?.GetValue<string>()) && line["severity"]?.GetValue<string>() != "DEBUG")
            {
                yield return (service, line);
            }
        }
    }

    // The run's volatile values (clock, ports, random repository and project names, generated occurrence ids, timings) are
    // replaced by fixed ones; field names, types and every other value stay as written.
    private string Normalize(IEnumerable<(string Service, JsonObject Line)> lines, string projectId)
    {
        var text = new StringBuilder();
        foreach (var (service, line) in lines)
        {
            line["time"] = "2026-12-01T10:00:00.0000000Z";
            line.Remove("logging.googleapis.com/trace");
            line.Remove("logging.googleapis.com/spanId");
            if (line["verificationMs"] is not null)
            {
                line["verificationMs"] = 12;
            }

            var sample = new JsonObject { ["service"] = service, ["stdout"] = line.DeepClone() };
            var json = sample.ToJsonString(s_json)
                .Replace(_environment.RegistryHost, "registry.example:5000", StringComparison.Ordinal)
                .Replace(projectId, "imagetrust-demo", StringComparison.Ordinal);
            json = Regex.Replace(json, @"127\.0\.0\.1:\d+", "127.0.0.1:8080");
            json = Regex.Replace(json, @"skopeo/app-[0-9a-f]{8}", "skopeo/app-0a1b2c3d");
            json = Regex.Replace(json, @"occurrences/[0-9A-Za-z-]+", "occurrences/0f1e2d3c");
            json = Regex.Replace(json, @"verified in \d+ ms", "verified in 12 ms");
            text.Append(json).Append('\n');
        }

        return text.ToString();
    }
}
