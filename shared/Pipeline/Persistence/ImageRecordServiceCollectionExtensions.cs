using ImageTrust.GoogleCloud.Firestore;
using ImageTrust.GoogleCloud.PubSub;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ImageTrust.Pipeline.Records;
using Microsoft.Extensions.Logging;

namespace ImageTrust.Pipeline.Persistence;

/// <summary>Registers the image record store (after <c>AddGoogleCloudAdapters</c>).</summary>
internal static class ImageRecordServiceCollectionExtensions
{
    /// <summary>Registers <paramref name="topics"/> and a singleton <see cref="ImageRecordStore"/> on Firestore collection <c>images</c>.</summary>
    public static IServiceCollection AddImageRecordStore(this IServiceCollection services, ImageEventTopics topics)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(topics);
        services.AddSingleton(topics);
        services.TryAddSingleton<ImageRecordStore>(sp => new FirestoreImageRecordStore(
            sp.GetRequiredService<FirestoreDocumentStore>(),
            sp.GetRequiredService<PubSubPublisher>(),
            topics,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<FirestoreImageRecordStore>>()));
        return services;
    }
}
