using System.ComponentModel.DataAnnotations;

namespace Broker.Server.Api;

/// <summary>Limits of the REST API, bound from <c>Api</c>.</summary>
internal sealed class ApiOptions
{
    public const string SectionName = "Api";

    /// <summary>Largest request body under <c>/api</c>, in bytes; larger ones get 413. No API request needs more than a few KiB.</summary>
    [Range(1024, 16 * 1024 * 1024)]
    public long MaxRequestBodyBytes { get; set; } = 64 * 1024;
}
