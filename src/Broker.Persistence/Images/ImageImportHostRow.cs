using Broker.Core.Hosts;
using Broker.Core.Images;

namespace Broker.Persistence.Images;

/// <summary>A stored <see cref="ImageImportHost"/>: one host's state with one image (uploaded or registered by address).</summary>
internal sealed class ImageImportHostRow
{
    public ImageId ImageId { get; set; }

    public HostId HostId { get; set; }

    public ImageHostImportState State { get; set; }

    public string? Detail { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public static ImageImportHostRow From(ImageImportHost state) => new()
    {
        ImageId = state.Image,
        HostId = state.Host,
        State = state.State,
        Detail = Cut(state.Detail),
        UpdatedAt = state.UpdatedAt,
    };

    /// <summary><paramref name="detail"/> cut to <see cref="ImageImportHost.MaxDetailLength"/>.</summary>
    public static string? Cut(string? detail) =>
        detail is { Length: > ImageImportHost.MaxDetailLength } ? detail[..ImageImportHost.MaxDetailLength] : detail;

    public ImageImportHost ToDomain() => new()
    {
        Image = ImageId,
        Host = HostId,
        State = State,
        Detail = Detail,
        UpdatedAt = UpdatedAt,
    };
}
