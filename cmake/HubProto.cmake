# hub_proto_library(<target> PROTOS <files relative to proto/> [GRPC])
# Generates C++ (and, with GRPC, the gRPC stubs) for the given .proto files into the build tree and
# wraps them in a static library. Import paths are rooted at proto/, so files import "hub/v1/...".
find_program(HUB_GRPC_CPP_PLUGIN grpc_cpp_plugin REQUIRED)

function(hub_proto_library target)
  cmake_parse_arguments(ARG "GRPC" "" "PROTOS;DEPS" ${ARGN})
  set(proto_root ${PROJECT_SOURCE_DIR}/proto)
  set(out_dir ${PROJECT_BINARY_DIR}/gen)
  file(MAKE_DIRECTORY ${out_dir})
  set(srcs)
  foreach(rel ${ARG_PROTOS})
    get_filename_component(stem ${rel} NAME_WE)
    get_filename_component(dir ${rel} DIRECTORY)
    set(outputs ${out_dir}/${dir}/${stem}.pb.cc ${out_dir}/${dir}/${stem}.pb.h)
    set(plugin_args)
    if(ARG_GRPC)
      list(APPEND outputs ${out_dir}/${dir}/${stem}.grpc.pb.cc ${out_dir}/${dir}/${stem}.grpc.pb.h)
      set(plugin_args --grpc_out=${out_dir} --plugin=protoc-gen-grpc=${HUB_GRPC_CPP_PLUGIN})
    endif()
    add_custom_command(
      OUTPUT ${outputs}
      COMMAND protobuf::protoc --proto_path=${proto_root} --cpp_out=${out_dir} ${plugin_args} ${proto_root}/${rel}
      DEPENDS ${proto_root}/${rel} protobuf::protoc
      COMMENT "protoc ${rel}"
      VERBATIM)
    list(APPEND srcs ${outputs})
  endforeach()
  add_library(${target} STATIC ${srcs})
  target_include_directories(${target} PUBLIC ${out_dir})
  target_link_libraries(${target} PUBLIC protobuf::libprotobuf ${ARG_DEPS})
  if(ARG_GRPC)
    target_link_libraries(${target} PUBLIC gRPC::grpc++)
  endif()
endfunction()
