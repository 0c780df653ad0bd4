namespace Broker.Vhdx.Bench;

/// <summary>Which file a row runs on.</summary>
internal enum BenchImage
{
    /// <summary>The 4 GiB dynamic base, every block written.</summary>
    Base,

    /// <summary>A fresh empty 4 GiB dynamic file with 1 MiB blocks: every request allocates.</summary>
    EmptyDynamic,

    /// <summary>A fresh empty differencing child of the base (reads fall through, writes allocate).</summary>
    Child,
}
