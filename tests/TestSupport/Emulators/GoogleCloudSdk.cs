using System.Diagnostics;

namespace ImageTrust.TestSupport.Emulators;

/// <summary>Finds the google-cloud-cli installation that ships the Pub/Sub and Firestore emulators.</summary>
internal static class GoogleCloudSdk
{
    /// <summary>Overrides the SDK root (skips asking gcloud).</summary>
    public const string RootVariable = "IMAGETRUST_GCLOUD_SDK_ROOT";

    private const string FallbackRoot = "/usr/lib/google-cloud-sdk";

    private static readonly Lazy<string> CachedRoot = new(Locate);

    /// <summary>The SDK root: <c>$IMAGETRUST_GCLOUD_SDK_ROOT</c>, else <c>gcloud info</c>'s answer, else <c>/usr/lib/google-cloud-sdk</c>.</summary>
    public static string Root => CachedRoot.Value;

    /// <summary>The Pub/Sub emulator launcher.</summary>
    public static string PubSubEmulator => Path.Combine(Root, "platform", "pubsub-emulator", "bin", "cloud-pubsub-emulator");

    /// <summary>The Firestore emulator launcher.</summary>
    public static string FirestoreEmulator => Path.Combine(Root, "platform", "cloud-firestore-emulator", "cloud_firestore_emulator");

    private static string Locate()
    {
        var configured = Environment.GetEnvironmentVariable(RootVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }

        try
        {
            using var gcloud = Process.Start(new ProcessStartInfo("gcloud", ["info", "--format=value(installation.sdk_root)"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (gcloud is not null)
            {
                var output = gcloud.StandardOutput.ReadToEndAsync();
                _ = gcloud.StandardError.ReadToEndAsync();
                if (gcloud.WaitForExit(TimeSpan.FromSeconds(30)) && gcloud.ExitCode == 0)
                {
                    var root = output.GetAwaiter().GetResult().Trim();
                    if (root.Length > 0 && Directory.Exists(root))
                    {
                        return root;
                    }
                }
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // gcloud is not on PATH; the packaged location below is where Debian's google-cloud-cli installs it.
        }

        return FallbackRoot;
    }
}
