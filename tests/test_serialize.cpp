#include <doctest/doctest.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "dlrm/detail/npy.hpp"
#include "dlrm/serialize.hpp"

namespace {

std::string from_hex(const std::string& hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

std::string temp_path(const std::string& name) {
  const auto dir = std::filesystem::path(DLRM_BINARY_DIR) / "test_serialize_tmp";
  std::filesystem::create_directories(dir);
  return (dir / name).string();
}

// np.savez("np_small.npz", a=np.array([1, 2, 3], dtype=np.int32),
//          b=np.array([[0.5, -1], [2, 3]]))  with numpy 1.24.2: its local headers carry
// zip64 extra fields (numpy forces zip64), which the reader must skip.
const char* numpy_npz_hex =
    "504b030414000000000000002100ebc02b048c0000008c00000005001400612e6e7079010010008c000000000000008c0000"
    "0000000000934e554d5059010076007b276465736372273a20273c6934272c2027666f727472616e5f6f72646572273a2046"
    "616c73652c20277368617065273a2028332c292c207d20202020202020202020202020202020202020202020202020202020"
    "20202020202020202020202020202020202020202020202020202020202020200a010000000200000003000000504b030414"
    "00000000000000210073f2ac2da0000000a000000005001400622e6e707901001000a000000000000000a000000000000000"
    "934e554d5059010076007b276465736372273a20273c6638272c2027666f727472616e5f6f72646572273a2046616c73652c"
    "20277368617065273a2028322c2032292c207d20202020202020202020202020202020202020202020202020202020202020"
    "2020202020202020202020202020202020202020202020202020200a000000000000e03f000000000000f0bf000000000000"
    "00400000000000000840504b0102140314000000000000002100ebc02b048c0000008c000000050000000000000000000000"
    "800100000000612e6e7079504b010214031400000000000000210073f2ac2da0000000a00000000500000000000000000000"
    "008001c3000000622e6e7079504b05060000000002000200660000009a0100000000";

// A .npy file with the given header dict (padded as numpy does) and raw data.
std::string raw_npy(const std::string& dict, const std::string& data, char major = 1) {
  std::string h = dict;
  h.append(64 - (10 + h.size() + 1) % 64, ' ');
  h.push_back('\n');
  std::string out("\x93NUMPY", 6);
  out.push_back(major);
  out.push_back('\0');
  out.push_back(static_cast<char>(h.size() & 0xFF));
  out.push_back(static_cast<char>(h.size() >> 8));
  return out + h + data;
}

std::string zip_one(const std::string& file, const std::string& npy) {
  return dlrm::detail::zip_stored({{file, npy}});
}

}  // namespace

TEST_CASE("CRC-32 and FNV-1a 64 match their published check values") {
  CHECK(dlrm::detail::crc32("") == 0u);
  CHECK(dlrm::detail::crc32("123456789") == 0xCBF43926u);
  CHECK(dlrm::detail::crc32("The quick brown fox jumps over the lazy dog") == 0x414FA339u);
  CHECK(dlrm::fnv1a64("") == 0xcbf29ce484222325ull);
  CHECK(dlrm::fnv1a64("a") == 0xaf63dc4c8601ec8cull);
  CHECK(dlrm::fnv1a64("foobar") == 0x85944171f73967e8ull);
}

TEST_CASE(".npy header bytes are exactly numpy's") {
  dlrm::Npz npz;
  std::vector<float> v{0, 1, 2, 3, 4, 5};
  npz.add<float>("x", {2, 3}, dlrm::span<const float>(v));
  const std::string npy = dlrm::encode_npy(npz.at("x"));
  // np.save(f, np.arange(6, dtype='<f4').reshape(2, 3)), numpy 1.24.2
  const std::string expected_header =
      std::string("\x93NUMPY\x01\x00v\x00", 10) +
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }" + std::string(58, ' ') + "\n";
  REQUIRE(npy.size() == 128 + 24);
  CHECK(npy.substr(0, 128) == expected_header);
  CHECK(npy.substr(128) == std::string(reinterpret_cast<const char*>(v.data()), 24));

  // np.save(f, np.zeros(3, dtype='|i1'))
  std::vector<std::int8_t> z(3, 0);
  dlrm::Npz n2;
  n2.add<std::int8_t>("z", {3}, dlrm::span<const std::int8_t>(z));
  CHECK(dlrm::encode_npy(n2.at("z")) ==
        std::string("\x93NUMPY\x01\x00v\x00", 10) +
            "{'descr': '|i1', 'fortran_order': False, 'shape': (3,), }" + std::string(60, ' ') +
            "\n" + std::string(3, '\0'));

  // a 0-d array: 'shape': () and a header that needs more than 64 bytes
  std::vector<double> s{7.0};
  dlrm::Npz n3;
  n3.add<double>("s", {}, dlrm::span<const double>(s));
  const std::string scalar = dlrm::encode_npy(n3.at("s"));
  CHECK(scalar.size() == 128 + 8);
  CHECK(scalar.substr(10, 56) == "{'descr': '<f8', 'fortran_order': False, 'shape': (), } ");
  CHECK(scalar[127] == '\n');
}

TEST_CASE("npz round trip of every dtype, through a file") {
  dlrm::Npz npz;
  std::vector<float> f{1.5f, -2.25f, 3.0f, 1e-30f, -0.0f, 7.0f};
  std::vector<double> d{0.1, -1e300};
  std::vector<std::int8_t> i1{-128, 0, 127};
  std::vector<std::int32_t> i4{-2147483647 - 1, 0, 2147483647, 5};
  std::vector<std::int64_t> i8{-9223372036854775807LL - 1, 42};
  npz.add<float>("dense", {3, 2}, dlrm::span<const float>(f));
  npz.add("d", d);
  npz.add("part", i1);
  npz.add<std::int32_t>("indices_0", {2, 2}, dlrm::span<const std::int32_t>(i4));
  npz.add("offsets_0", i8);
  npz.add<float>("empty", {0, 4}, dlrm::span<const float>());
  const std::string path = temp_path("roundtrip.npz");
  npz.save(path);

  const dlrm::Npz back = dlrm::Npz::load(path);
  CHECK(back.source() == path);
  CHECK(back.names() == std::vector<std::string>{"dense", "d", "part", "indices_0", "offsets_0", "empty"});
  CHECK(back.at("dense").shape == std::vector<std::size_t>{3, 2});
  CHECK(back.values<float>("dense") == f);
  CHECK(back.values<double>("d") == d);
  CHECK(back.values<std::int8_t>("part") == i1);
  CHECK(back.values<std::int32_t>("indices_0") == i4);
  CHECK(back.at("indices_0").shape == std::vector<std::size_t>{2, 2});
  CHECK(back.values<std::int64_t>("offsets_0") == i8);
  CHECK(back.at("empty").shape == std::vector<std::size_t>{0, 4});
  CHECK(back.values<float>("empty").empty());
  CHECK(back.to_bytes() == npz.to_bytes());
}

TEST_CASE("npz written by numpy (zip64 local extras) is read") {
  const dlrm::Npz npz = dlrm::Npz::from_bytes(from_hex(numpy_npz_hex), "np_small.npz");
  CHECK(npz.names() == std::vector<std::string>{"a", "b"});
  CHECK(npz.values<std::int32_t>("a") == std::vector<std::int32_t>{1, 2, 3});
  CHECK(npz.at("b").shape == std::vector<std::size_t>{2, 2});
  CHECK(npz.values<double>("b") == std::vector<double>{0.5, -1.0, 2.0, 3.0});
}

TEST_CASE("npz corruption is a FormatError naming the file and the tensor") {
  using dlrm::FormatError;
  using dlrm::Npz;
  std::vector<float> f{1, 2, 3, 4, 5, 6};
  Npz npz;
  npz.add<float>("w", {2, 3}, dlrm::span<const float>(f));
  const std::string good = npz.to_bytes();
  // Layout: local header 30 + "w.npy" 5, npy 128 + 24, central 46 + 5, end record 22.
  REQUIRE(good.size() == 35 + 152 + 51 + 22);

  SUBCASE("missing file") {
    CHECK_THROWS_WITH_AS(Npz::load(temp_path("does_not_exist.npz")),
                         (temp_path("does_not_exist.npz") +
                          ": cannot open for reading (No such file or directory)").c_str(),
                         dlrm::Error);
  }
  SUBCASE("empty and truncated files") {
    const char* msg = "w.npz: not an .npz file (no zip end-of-central-directory record); it is "
                      "truncated or not a zip archive";
    CHECK_THROWS_WITH_AS(Npz::from_bytes("", "w.npz"), msg, FormatError);
    for (std::size_t cut = 1; cut < good.size(); ++cut)
      CHECK_THROWS_WITH_AS(Npz::from_bytes(good.substr(0, good.size() - cut), "w.npz"), msg,
                           FormatError);
  }
  SUBCASE("a flipped data byte fails the CRC") {
    std::string bad = good;
    bad[35 + 128] ^= 0x01;  // first data byte
    CHECK_THROWS_WITH_AS(Npz::from_bytes(bad, "w.npz"),
                         "w.npz: tensor w: CRC-32 mismatch (stored 0xa2de9c7c, computed "
                         "0x23fbf95b); the file is corrupt",
                         FormatError);
  }
  SUBCASE("any flipped byte is caught, except in fields zip readers ignore") {
    // Not interpreted (as in Python's zipfile): versions, flag bits other than
    // encryption / data descriptor, DOS time and date, disk numbers, file attributes.
    std::vector<std::size_t> ignored;
    const auto range = [&](std::size_t from, std::size_t to) {
      for (std::size_t i = from; i < to; ++i) ignored.push_back(i);
    };
    const std::size_t central = 35 + 152, end = central + 51;
    range(4, 8);                          // local: version needed, flags
    range(10, 14);                        // local: time, date
    range(central + 4, central + 10);     // central: versions, flags
    range(central + 12, central + 16);    // central: time, date
    range(central + 34, central + 42);    // central: disk, attributes
    range(end + 4, end + 10);             // end record: disk numbers, entries on this disk
    std::vector<std::size_t> silent;
    for (std::size_t i = 0; i < good.size(); ++i) {
      std::string bad = good;
      bad[i] = static_cast<char>(bad[i] ^ 0x20);
      try {
        const Npz back = Npz::from_bytes(bad, "w.npz");
        CAPTURE(i);
        CHECK(back.names() == npz.names());
        CHECK(back.values<float>("w") == f);
        CHECK(back.at("w").shape == npz.at("w").shape);
        silent.push_back(i);
      } catch (const FormatError&) {
      }
    }
    CHECK(silent == ignored);
  }
  SUBCASE("a local header that disagrees with the central directory") {
    std::string bad = good;
    bad[14] ^= 0x01;  // local CRC
    CHECK_THROWS_WITH_AS(Npz::from_bytes(bad, "w.npz"),
                         "w.npz: tensor w: the zip local header disagrees with the central "
                         "directory (method, CRC or size); the file is corrupt",
                         FormatError);
    bad = good;
    bad[35 + 152 + 46] = 'v';  // central name "v.npy", local "w.npy"
    CHECK_THROWS_WITH_AS(Npz::from_bytes(bad, "w.npz"),
                         "w.npz: tensor v: the zip local header names a different file; the "
                         "file is corrupt",
                         FormatError);
  }
  SUBCASE("the data is shorter than the shape needs") {
    CHECK_THROWS_WITH_AS(
        Npz::from_bytes(zip_one("w.npy", raw_npy("{'descr': '<f4', 'fortran_order': False, "
                                                 "'shape': (2, 3), }",
                                                 std::string(20, '\0'))),
                        "w.npz"),
        "w.npz: tensor w: holds 20 data bytes, shape [2, 3] of <f4 needs 24; the file is "
        "truncated or corrupt",
        FormatError);
  }
  SUBCASE("bad .npy magic") {
    CHECK_THROWS_WITH_AS(Npz::from_bytes(zip_one("w.npy", "hello, not numpy"), "w.npz"),
                         "w.npz: tensor w: bad .npy magic; not a NumPy array", FormatError);
  }
  SUBCASE("unsupported .npy version") {
    CHECK_THROWS_WITH_AS(
        Npz::from_bytes(zip_one("w.npy", raw_npy("{'descr': '<f4', 'fortran_order': False, "
                                                 "'shape': (1,), }",
                                                 std::string(4, '\0'), 3)),
                        "w.npz"),
        "w.npz: tensor w: unsupported .npy format version 3.0 (1.0 and 2.0 are read)",
        FormatError);
  }
  SUBCASE("unsupported dtype") {
    CHECK_THROWS_WITH_AS(
        Npz::from_bytes(zip_one("w.npy", raw_npy("{'descr': '>f4', 'fortran_order': False, "
                                                 "'shape': (1,), }",
                                                 std::string(4, '\0'))),
                        "w.npz"),
        "w.npz: tensor w: unsupported dtype '>f4' (supported: <f4, <f8, |i1, <i4, <i8)",
        FormatError);
  }
  SUBCASE("fortran order") {
    CHECK_THROWS_WITH_AS(
        Npz::from_bytes(zip_one("w.npy", raw_npy("{'descr': '<f4', 'fortran_order': True, "
                                                 "'shape': (1,), }",
                                                 std::string(4, '\0'))),
                        "w.npz"),
        "w.npz: tensor w: fortran_order arrays are not supported; save a C-order array "
        "(np.ascontiguousarray)",
        FormatError);
  }
  SUBCASE("malformed header") {
    CHECK_THROWS_WITH_AS(
        Npz::from_bytes(zip_one("w.npy", raw_npy("{'descr': '<f4', 'shape': (1,), }",
                                                 std::string(4, '\0'))),
                        "w.npz"),
        "w.npz: tensor w: malformed .npy header (no 'fortran_order')", FormatError);
    CHECK_THROWS_WITH_AS(
        Npz::from_bytes(zip_one("w.npy", raw_npy("{'descr': '<f4', 'fortran_order': False, "
                                                 "'shape': (1, x), }",
                                                 std::string(4, '\0'))),
                        "w.npz"),
        "w.npz: tensor w: malformed .npy header (shape holds a non-integer)", FormatError);
  }
  SUBCASE("compressed entries") {
    std::string bad = zip_one("w.npy", dlrm::encode_npy(npz.at("w")));
    bad[35 + 152 + 10] = 8;  // central directory: method deflate
    CHECK_THROWS_WITH_AS(Npz::from_bytes(bad, "w.npz"),
                         "w.npz: tensor w is compressed (zip method 8); only uncompressed "
                         "archives are read (np.savez, not np.savez_compressed)",
                         FormatError);
  }
  SUBCASE("an entry that is not .npy") {
    CHECK_THROWS_WITH_AS(Npz::from_bytes(zip_one("notes.txt", "hi"), "w.npz"),
                         "w.npz: entry 'notes.txt' is not a .npy array", FormatError);
  }
  SUBCASE("missing tensor and wrong dtype") {
    const Npz back = Npz::from_bytes(good, "w.npz");
    CHECK_THROWS_WITH_AS(back.at("bot_l.0.weight"), "w.npz: tensor bot_l.0.weight is missing",
                         FormatError);
    CHECK_THROWS_WITH_AS(back.values<double>("w"), "w.npz: tensor w has dtype <f4, expected <f8",
                         FormatError);
  }
}

TEST_CASE("Npz::add checks names and sizes") {
  dlrm::Npz npz;
  std::vector<float> f{1, 2, 3};
  CHECK_THROWS_WITH_AS(npz.add<float>("x", {2, 2}, dlrm::span<const float>(f)),
                       "npz tensor x: shape [2, 2] needs 4 values, got 3", dlrm::ShapeError);
  npz.add("x", f);
  CHECK_THROWS_WITH_AS(npz.add("x", f), "npz: tensor x added twice", dlrm::Error);
  CHECK_THROWS_WITH_AS(npz.add("", f), "npz: a tensor name must not be empty", dlrm::Error);
}

TEST_CASE("artifact: sections round trip through a file, bit for bit") {
  dlrm::Artifact art;
  std::string binary("\0\x01\xff\x7f", 4);
  art.add("schema", "time: ts\nlabel: label\n");
  art.add("weights", binary);
  art.add("empty", "");
  art.set("threshold", "0.5");
  art.set("threshold", "0.25");
  CHECK_THROWS_WITH_AS(art.add("schema", "x"), "artifact: section schema added twice", dlrm::Error);
  const std::string path = temp_path("model.dlrm");
  art.save(path);
  const dlrm::Artifact back = dlrm::Artifact::load(path);
  CHECK(back.section_names() == std::vector<std::string>{"schema", "weights", "empty", "threshold"});
  CHECK(back.section("schema") == "time: ts\nlabel: label\n");
  CHECK(back.section("weights") == binary);
  CHECK(back.section("empty").empty());
  CHECK(back.section("threshold") == "0.25");
  CHECK(back.to_bytes() == art.to_bytes());
  CHECK_THROWS_WITH_AS(back.section("pipeline"),
                       (path + ": no section pipeline (it has: schema, weights, empty, threshold)").c_str(),
                       dlrm::FormatError);
}

TEST_CASE("artifact layout: header fields in place") {
  dlrm::Artifact art;
  art.add("ab", "xyz");
  const std::string b = art.to_bytes();
  // magic 8, version 4, count 4, total 8, name len 4, "ab", size 8, "xyz", checksum 8
  REQUIRE(b.size() == 24 + 4 + 2 + 8 + 3 + 8);
  CHECK(b.substr(0, 8) == std::string("\x89" "DLRM\r\n\x1a", 8));
  CHECK(b.substr(8, 4) == std::string("\x01\0\0\0", 4));
  CHECK(b.substr(12, 4) == std::string("\x01\0\0\0", 4));
  CHECK(static_cast<unsigned char>(b[16]) == b.size());
  CHECK(b.substr(24, 6) == std::string("\x02\0\0\0ab", 6));
  CHECK(b.substr(30, 11) == std::string("\x03\0\0\0\0\0\0\0xyz", 11));
  const std::uint64_t sum = dlrm::fnv1a64(std::string_view(b).substr(0, b.size() - 8));
  for (int i = 0; i < 8; ++i)
    CHECK(static_cast<unsigned char>(b[b.size() - 8 + i]) == ((sum >> (8 * i)) & 0xFF));
}

TEST_CASE("artifact: every flipped byte and every truncation is caught with a clear message") {
  using dlrm::Artifact;
  using dlrm::FormatError;
  Artifact art;
  art.add("schema", "dense: 3");
  art.add("weights", std::string("\0\x10\x20\x30\x40", 5));
  const std::string good = art.to_bytes();
  const std::size_t n = good.size();

  for (std::size_t i = 0; i < n; ++i) {
    for (unsigned char mask : {0x01, 0x80, 0xFF}) {
      std::string bad = good;
      bad[i] = static_cast<char>(bad[i] ^ mask);
      CAPTURE(i);
      CAPTURE(static_cast<int>(mask));
      std::string message;
      try {
        (void)Artifact::from_bytes(bad, "m.dlrm");
      } catch (const FormatError& e) {
        message = e.what();
      }
      REQUIRE(!message.empty());
      if (i < 8) {
        CHECK(message == "m.dlrm: not a dlrm artifact (bad magic bytes)");
      } else if (i < 12) {
        const std::uint32_t v = 1u ^ (static_cast<std::uint32_t>(mask) << (8 * (i - 8)));
        if (v == 0)
          CHECK(message == "m.dlrm: invalid artifact format version 0");
        else
          CHECK(message == "m.dlrm: artifact format version " + std::to_string(v) +
                               " is newer than this library reads (up to 1); upgrade dlrm to "
                               "load it");
      } else if (i >= 16 && i < 24) {
        CHECK(((message.rfind("m.dlrm: truncated: the file has " + std::to_string(n) +
                              " bytes, its header says ", 0) == 0) ||
               message.find(" unexpected bytes after the end of the artifact (its header says ") !=
                   std::string::npos));
      } else {
        CHECK(message.rfind("m.dlrm: checksum mismatch (stored 0x", 0) == 0);
        CHECK(message.find("); the file is corrupt") != std::string::npos);
      }
    }
  }
  for (std::size_t len = 0; len < n; ++len) {
    CAPTURE(len);
    const std::string cut = good.substr(0, len);
    if (len < 32)
      CHECK_THROWS_WITH_AS(Artifact::from_bytes(cut, "m.dlrm"),
                           ("m.dlrm: truncated: " + std::to_string(len) +
                            " bytes, a dlrm artifact has at least 32").c_str(),
                           FormatError);
    else
      CHECK_THROWS_WITH_AS(Artifact::from_bytes(cut, "m.dlrm"),
                           ("m.dlrm: truncated: the file has " + std::to_string(len) +
                            " bytes, its header says " + std::to_string(n)).c_str(),
                           FormatError);
  }
  CHECK_THROWS_WITH_AS(Artifact::from_bytes(good + "xy", "m.dlrm"),
                       ("m.dlrm: 2 unexpected bytes after the end of the artifact (its header "
                        "says " + std::to_string(n) + " bytes)").c_str(),
                       FormatError);
  CHECK_THROWS_WITH_AS(Artifact::from_bytes("PK\x03\x04 a zip, not an artifact", "m.dlrm"),
                       "m.dlrm: not a dlrm artifact (bad magic bytes)", FormatError);
}

TEST_CASE("artifact: a newer format version says so, even with a valid checksum") {
  dlrm::Artifact art;
  art.add("x", "1");
  std::string b = art.to_bytes();
  b[8] = 2;
  const std::uint64_t sum = dlrm::fnv1a64(std::string_view(b).substr(0, b.size() - 8));
  for (int i = 0; i < 8; ++i) b[b.size() - 8 + i] = static_cast<char>((sum >> (8 * i)) & 0xFF);
  CHECK_THROWS_WITH_AS(dlrm::Artifact::from_bytes(b, "new.dlrm"),
                       "new.dlrm: artifact format version 2 is newer than this library reads "
                       "(up to 1); upgrade dlrm to load it",
                       dlrm::FormatError);
}

TEST_CASE("artifact: a crafted section table with a valid checksum is still rejected") {
  dlrm::Artifact art;
  art.add("x", "123");
  std::string b = art.to_bytes();
  b[24] = 100;  // name length far beyond the file
  const std::uint64_t sum = dlrm::fnv1a64(std::string_view(b).substr(0, b.size() - 8));
  for (int i = 0; i < 8; ++i) b[b.size() - 8 + i] = static_cast<char>((sum >> (8 * i)) & 0xFF);
  CHECK_THROWS_WITH_AS(dlrm::Artifact::from_bytes(b, "c.dlrm"),
                       "c.dlrm: corrupt section table at section 0", dlrm::FormatError);
}

// ---- the model's weights ------------------------------------------------------------

namespace {

template <class Interaction>
struct Tiny {
  using scalar = float;
  static constexpr int embedding_dim = 4;
  using interaction = Interaction;
  using pooling = dlrm::SumPooling;
  using dense_optimizer = dlrm::Adam;
  using sparse_optimizer = dlrm::SparseAdam;
};
using TinyDot = Tiny<dlrm::DotInteraction<false>>;

dlrm::Shape tiny_shape() {
  dlrm::Shape s;
  s.dense = 3;
  s.tables = {5, 7};
  s.bottom = {6, 4};
  s.top = {5, 1};
  return s;
}

template <class C>
std::vector<std::string> parameter_bytes(dlrm::Dlrm<C>& m) {
  std::vector<std::string> out;
  for (const auto& p : m.parameters()) {
    std::size_t n = 1;
    for (std::size_t d : p.shape) n *= d;
    out.emplace_back(reinterpret_cast<const char*>(p.data), n * sizeof(float));
  }
  return out;
}

struct TinyBatch {
  std::vector<float> dense{0.1f, -0.2f, 0.3f, 1.0f, 0.5f, -1.5f};
  std::vector<std::int32_t> i0{1, 4, 0}, o0{0, 1}, i1{6}, o1{0, 0};
  std::vector<float> labels{1.0f, 0.0f};
  dlrm::Batch batch() const {
    dlrm::Batch b;
    b.size = 2;
    b.dense = dense;
    b.sparse = {{i0, o0, {}}, {i1, o1, {}}};
    b.labels = labels;
    return b;
  }
};

}  // namespace

TEST_CASE("save_npz writes the reference state_dict names and shapes") {
  dlrm::Dlrm<TinyDot> model(tiny_shape(), 7);
  const std::string path = temp_path("tiny_weights.npz");
  dlrm::save_npz(model, path);
  const dlrm::Npz npz = dlrm::Npz::load(path);
  CHECK(npz.names() == std::vector<std::string>{"emb_l.0.weight", "emb_l.1.weight", "bot_l.0.weight",
                                                "bot_l.0.bias", "bot_l.2.weight", "bot_l.2.bias",
                                                "top_l.0.weight", "top_l.0.bias", "top_l.2.weight",
                                                "top_l.2.bias"});
  using V = std::vector<std::size_t>;
  CHECK(npz.at("emb_l.1.weight").shape == V{7, 4});
  CHECK(npz.at("bot_l.0.weight").shape == V{6, 3});
  CHECK(npz.at("bot_l.2.weight").shape == V{4, 6});
  CHECK(npz.at("bot_l.2.bias").shape == V{4});
  // dot: 4 + 3 pairs of (x, e0, e1)
  CHECK(npz.at("top_l.0.weight").shape == V{5, 7});
  CHECK(npz.at("top_l.2.weight").shape == V{1, 5});
  const auto params = model.parameters();
  CHECK(npz.values<float>("bot_l.0.weight") ==
        std::vector<float>(params[2].data, params[2].data + 18));
}

TEST_CASE("load_npz restores weights bit for bit, and predictions with them") {
  dlrm::Dlrm<TinyDot> a(tiny_shape(), 1), b(tiny_shape(), 2);
  TinyBatch tb;
  a.train_step(tb.batch());  // not the initial weights
  REQUIRE(parameter_bytes(a) != parameter_bytes(b));
  const std::string path = temp_path("tiny_a.npz");
  dlrm::save_npz(a, path);
  dlrm::load_npz(b, path);
  CHECK(parameter_bytes(a) == parameter_bytes(b));
  std::vector<float> pa(2), pb(2);
  a.predict(tb.batch(), pa);
  b.predict(tb.batch(), pb);
  CHECK(pa == pb);
}

TEST_CASE("load_npz: a missing, mis-shaped, mistyped or unexpected tensor is named") {
  dlrm::Dlrm<TinyDot> model(tiny_shape(), 3);
  const auto before = parameter_bytes(model);
  const dlrm::Npz good = dlrm::weights_npz(model);
  const auto rebuilt = [&](const std::string& skip, const dlrm::NpyArray* replacement) {
    dlrm::Npz out;
    for (const auto& a : good.arrays())
      if (a.name != skip) out.add(a);
      else if (replacement) out.add(*replacement);
    return out;
  };
  const std::string path = temp_path("bad_weights.npz");

  dlrm::Shape wider = tiny_shape();
  wider.dense = 5;
  dlrm::Dlrm<TinyDot> other(wider, 3);
  dlrm::save_npz(other, path);
  CHECK_THROWS_WITH_AS(dlrm::load_npz(model, path),
                       (path + ": tensor bot_l.0.weight has shape [6, 5], the model expects [6, 3]").c_str(),
                       dlrm::FormatError);

  rebuilt("emb_l.1.weight", nullptr).save(path);
  CHECK_THROWS_WITH_AS(dlrm::load_npz(model, path),
                       (path + ": tensor emb_l.1.weight is missing; the model expects shape [7, 4]").c_str(),
                       dlrm::FormatError);

  dlrm::NpyArray as_double;
  as_double.name = "top_l.2.bias";
  as_double.dtype = dlrm::DType::float64;
  as_double.shape = {1};
  as_double.bytes = std::string(8, '\0');
  rebuilt("top_l.2.bias", &as_double).save(path);
  CHECK_THROWS_WITH_AS(dlrm::load_npz(model, path),
                       (path + ": tensor top_l.2.bias has dtype <f8, the model expects <f4 (float32)").c_str(),
                       dlrm::FormatError);

  dlrm::Npz extra = good;
  extra.add("top_l.4.weight", std::vector<float>{1.0f});
  extra.save(path);
  CHECK_THROWS_WITH_AS(dlrm::load_npz(model, path),
                       (path + ": unexpected tensor top_l.4.weight: it is not a parameter of this model (a different Shape?)").c_str(),
                       dlrm::FormatError);

  // A truncated weights file.
  const std::string bytes = good.to_bytes();
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size() / 2));
  }
  CHECK_THROWS_AS(dlrm::load_npz(model, path), dlrm::FormatError);
  CHECK(parameter_bytes(model) == before);  // nothing was half-loaded
}

TEST_CASE("put_model / get_model: weights and Shape through an artifact, bit for bit") {
  dlrm::Dlrm<TinyDot> a(tiny_shape(), 11);
  TinyBatch tb;
  a.train_step(tb.batch());
  dlrm::Artifact art;
  art.add("threshold", "0.5");
  dlrm::put_model(art, a);
  const std::string path = temp_path("tiny.dlrm");
  art.save(path);

  const dlrm::Artifact back = dlrm::Artifact::load(path);
  const dlrm::Shape s = dlrm::model_shape(back);
  CHECK(s.dense == 3);
  CHECK(s.tables == std::vector<std::size_t>{5, 7});
  CHECK(s.bottom == std::vector<std::size_t>{6, 4});
  CHECK(s.top == std::vector<std::size_t>{5, 1});
  dlrm::Dlrm<TinyDot> b(s, 99);
  dlrm::get_model(back, b);
  CHECK(parameter_bytes(a) == parameter_bytes(b));

  // The Config must match.
  dlrm::Dlrm<Tiny<dlrm::DotInteraction<true>>> self(s, 1);
  CHECK_THROWS_WITH_AS(dlrm::get_model(back, self),
                       (path + " section model: saved with interaction dot, this model uses dot_self").c_str(),
                       dlrm::FormatError);
  dlrm::Shape other = s;
  other.tables = {5, 8};
  dlrm::Dlrm<TinyDot> c(other, 1);
  CHECK_THROWS_WITH_AS(dlrm::get_model(back, c),
                       (path + " section model: saved with Shape.tables [5, 7], this model has [5, 8]").c_str(),
                       dlrm::FormatError);
  CHECK_THROWS_WITH_AS(dlrm::model_shape(back, "weights"),
                       (path + ": no section weights (it has: threshold, model)").c_str(),
                       dlrm::FormatError);
}

struct TinyDouble {
  using scalar = double;
  static constexpr int embedding_dim = 4;
  using interaction = dlrm::DotInteraction<false>;
  using pooling = dlrm::SumPooling;
  using dense_optimizer = dlrm::Adam;
  using sparse_optimizer = dlrm::SparseAdam;
};

TEST_CASE("a double model round trips as float64 and refuses float32 weights") {
  dlrm::Dlrm<TinyDouble> a(tiny_shape(), 5), b(tiny_shape(), 6);
  const std::string path = temp_path("tiny_double.npz");
  dlrm::save_npz(a, path);
  CHECK(dlrm::Npz::load(path).at("emb_l.0.weight").dtype == dlrm::DType::float64);
  dlrm::load_npz(b, path);
  CHECK(dlrm::weights_npz(a).to_bytes() == dlrm::weights_npz(b).to_bytes());
  dlrm::Dlrm<TinyDot> f(tiny_shape(), 5);
  dlrm::save_npz(f, path);
  CHECK_THROWS_WITH_AS(dlrm::load_npz(b, path),
                       (path + ": tensor emb_l.0.weight has dtype <f4, the model expects <f8 (float64)").c_str(),
                       dlrm::FormatError);
}
