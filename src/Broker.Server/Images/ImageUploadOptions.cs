using System.ComponentModel.DataAnnotations;

namespace Broker.Server.Images;

/// <summary>Limits of gold image uploads (<c>POST /api/v1/admin/images/import</c>) and how images are offered to hosts, bound from <c>ImageUploads</c>.</summary>
internal sealed class ImageUploadOptions
{
    public const string SectionName = "ImageUploads";

    /// <summary>Largest accepted image file in bytes; a larger upload gets 413 and nothing is kept. Default 256 GiB.</summary>
    [Range(512, long.MaxValue)]
    public long MaxFileBytes { get; set; } = 256L << 30;

    /// <summary>How often images are offered to hosts that connected since (<see cref="ImageDistributionLoop"/>).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan OfferInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a host that was offered an image on its stream and has not answered waits before it
    /// is offered it again (e.g. a host that found no other host to copy an image registered by
    /// address from; a host still importing the image just carries on). Checked every <see cref="OfferInterval"/>.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan ReofferAfter { get; set; } = TimeSpan.FromMinutes(2);
}
