# Parity with PyTorch: tests/parity/parity.py builds the same DLRM in torch, loads the
# weights that parity_driver exports (.npz, reference state_dict names), and compares
# predictions and three training steps. Runs with Debian's /usr/bin/python3 (torch,
# numpy); without torch the test fails and says how to install it.
set(DLRM_PARITY_PYTHON /usr/bin/python3 CACHE FILEPATH "Python with torch and numpy for the parity test")
add_executable(parity_driver ${CMAKE_CURRENT_LIST_DIR}/parity/parity_driver.cpp)
target_link_libraries(parity_driver PRIVATE dlrm::dlrm dlrm_dev_options)
add_test(NAME parity_pytorch
         COMMAND ${DLRM_PARITY_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/parity/parity.py
                 --driver $<TARGET_FILE:parity_driver>
                 --work ${CMAKE_CURRENT_BINARY_DIR}/parity_work)
set_tests_properties(parity_pytorch PROPERTIES TIMEOUT 300 LABELS parity)
