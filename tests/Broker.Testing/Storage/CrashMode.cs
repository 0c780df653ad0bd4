namespace Broker.Testing.Storage;

/// <summary>
/// Which of the on-disk states a crash may leave <see cref="CrashingStorage.Materialise"/> builds.
/// Flushed data and flushed names always survive; the modes differ in what happens to the rest.
/// </summary>
public enum CrashMode
{
    /// <summary>(a) Every unflushed write, length change, create, rename and delete is lost.</summary>
    DropUnflushed,

    /// <summary>(b) Everything survives, as if the cache had been written back just in time.</summary>
    KeepUnflushed,

    /// <summary>
    /// (c) A seeded random subset survives: each 512-byte sector of each unflushed write and each
    /// unflushed length change independently, and a random prefix of the unflushed name operations.
    /// </summary>
    KeepRandomSubset,

    /// <summary>
    /// (d) Everything survives except the most recent unflushed write, which is torn at 512-byte
    /// boundaries: a seeded subset of its sectors is new, the rest old (at least one of each when
    /// it spans two sectors or more).
    /// </summary>
    TearLastWrite512,

    /// <summary>(d) As <see cref="TearLastWrite512"/>, torn at 4 KiB boundaries.</summary>
    TearLastWrite4096,

    /// <summary>
    /// (e) Unflushed creates, renames and deletes are lost while every data write survives (in the
    /// files whose names survive).
    /// </summary>
    LoseUnflushedNames,
}
