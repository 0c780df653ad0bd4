namespace Broker.Server.Portal.Admin;

/// <summary>The register-image form; fields are named as in <see cref="Broker.Core.Images.GoldImageDraft"/>.</summary>
internal sealed class ImageForm
{
    public string? Name { get; set; }

    public string? Version { get; set; }

    public string? BaseContentAddress { get; set; }

    public long? SizeBytes { get; set; }
}
