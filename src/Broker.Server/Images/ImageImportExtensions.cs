using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Broker.Server.Images;

/// <summary>Registers gold image uploads and the distribution of images to hosts (from the broker, or host to host).</summary>
internal static class ImageImportExtensions
{
    public static IServiceCollection AddBrokerImageImports(this IServiceCollection services)
    {
        services.AddOptions<ImageUploadOptions>().BindConfiguration(ImageUploadOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<ImageUploadFiles>();
        services.TryAddSingleton<ImageDistribution>();
        services.TryAddScoped<ImageOffers>();
        services.TryAddScoped<ImageImports>();
        services.TryAddScoped<ImageImportReports>();
        services.TryAddScoped<ImageTickets>();
        services.AddHostedService<ImageDistributionLoop>();
        return services;
    }
}
