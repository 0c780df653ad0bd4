namespace Broker.Core.Images;

/// <summary>What an admin enters to register a gold image; checked by <see cref="GoldImage.Create"/>.</summary>
/// <param name="Name">Display name, e.g. <c>Windows 11 Office</c>.</param>
/// <param name="Version">The image's version label, e.g. <c>2025.06</c>.</param>
/// <param name="BaseContentAddress">The base VHDX's content address as text (<c>sha256:…</c>).</param>
/// <param name="SizeBytes">The base image's size in bytes.</param>
public sealed record GoldImageDraft(string? Name, string? Version, string? BaseContentAddress, long SizeBytes);
