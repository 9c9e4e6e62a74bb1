# End-to-end tests of dlrm-anomaly (examples/smart_home): ctest runs tests/cli/cli_tests.py
# against the built binary. `cli_fixture` generates a small home and trains a model once;
# every other case reuses it. Exit code 77 = skipped (the real captures are absent).
if(DLRM_BUILD_EXAMPLES AND EXISTS /usr/bin/python3)
  set(DLRM_CLI_WORK ${CMAKE_CURRENT_BINARY_DIR}/cli_work)
  set(DLRM_CLI_DRIVER ${CMAKE_CURRENT_SOURCE_DIR}/cli/cli_tests.py)
  set(DLRM_CLI_CASES help generate_deterministic schema evaluate_round_trip score_matches_export
      score_malformed_stream export_reference_layout report train_options errors_arguments
      errors_files errors_labels errors_artifact iot23_honeypot_refused ton_iot_weekday_warning)
  add_test(NAME cli_fixture
           COMMAND /usr/bin/python3 ${DLRM_CLI_DRIVER} --bin $<TARGET_FILE:dlrm-anomaly>
                   --work ${DLRM_CLI_WORK} fixture)
  set_tests_properties(cli_fixture PROPERTIES FIXTURES_SETUP dlrm_cli TIMEOUT 120)
  foreach(name IN LISTS DLRM_CLI_CASES)
    add_test(NAME cli_${name}
             COMMAND /usr/bin/python3 ${DLRM_CLI_DRIVER} --bin $<TARGET_FILE:dlrm-anomaly>
                     --work ${DLRM_CLI_WORK} --data ${DLRM_SHARED_DATA} ${name})
    set_tests_properties(cli_${name} PROPERTIES FIXTURES_REQUIRED dlrm_cli
                         SKIP_RETURN_CODE 77 TIMEOUT 120)
  endforeach()
endif()
